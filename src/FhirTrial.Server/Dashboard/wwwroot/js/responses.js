// RECIST response categories: order, labels and the one colour scale every plot uses for them.

import { t } from './i18n.js';

export const RESPONSES = [
  { code: 'CR', label: 'Complete response', color: '#1a7f37' },
  { code: 'PR', label: 'Partial response', color: '#4caf50' },
  { code: 'SD', label: 'Stable disease', color: '#f0a202' },
  { code: 'NON-CR/NON-PD', label: 'Non-CR/non-PD', color: '#b39ddb' },
  { code: 'PD', label: 'Progressive disease', color: '#d1342f' },
  { code: 'NE', label: 'Not evaluable', color: '#9aa5b1' },
];

const BY_CODE = new Map(RESPONSES.map((r) => [r.code, r]));
const UNKNOWN = { code: '?', label: 'Unknown', color: '#cbd2d9' };

/** The category's name in the page's language (完全缓解, …). */
export function responseLabel(code) {
  return BY_CODE.has(code) ? t(`response.${code}`) : code ?? '?';
}

export function response(code) {
  return BY_CODE.get(code) ?? { ...UNKNOWN, code: code ?? '?' };
}

/**
 * A Vega-Lite colour encoding of `field` by response: the fixed RECIST colours (any other code grey), the legend
 * listing only the codes that occur, in the canonical order.
 */
export function responseColorEncoding(field, codes) {
  const present = new Set(codes);
  const others = [...present].filter((code) => !BY_CODE.has(code)).map(response);
  const all = [...RESPONSES, ...others];
  return {
    field,
    type: 'nominal',
    title: t('response.title'),
    scale: { domain: all.map((r) => r.code), range: all.map((r) => r.color) },
    legend: { values: all.filter((r) => present.has(r.code)).map((r) => r.code) },
  };
}

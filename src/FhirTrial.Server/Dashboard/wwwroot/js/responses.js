// RECIST response categories: order, labels and colours shared by every plot.

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

export function response(code) {
  return BY_CODE.get(code) ?? { ...UNKNOWN, code: code ?? '?' };
}

export function responseColor(code) {
  return response(code).color;
}

/** Legend items for the codes that occur, in the canonical order. */
export function legendFor(codes) {
  const present = new Set(codes);
  return RESPONSES.filter((r) => present.has(r.code)).map((r) => ({ key: r.code, label: r.code, color: r.color }));
}

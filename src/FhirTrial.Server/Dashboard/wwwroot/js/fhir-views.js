// Pieces the HTML views of FHIR data share (the /fhir browser view and the front door's upload).

import { h } from './dom.js';
import { t } from './i18n.js';

/** The path of a reference on this server ("Patient/1", an absolute URL of this server), or null. */
export function referencePath(reference) {
  if (typeof reference !== 'string' || reference.startsWith('#') || reference.startsWith('urn:')) return null;
  try {
    const url = new URL(reference, new URL('/fhir/', location.origin));
    if (url.origin !== location.origin || !url.pathname.startsWith('/fhir/')) return null;
    return url.pathname + url.search;
  } catch {
    return null;
  }
}

export function outcomeView(status, outcome, message) {
  const issues = outcome?.issue ?? [];
  return h('section', { class: 'outcome', role: 'alert', 'data-testid': 'outcome' }, [
    h('h1', { text: t('browse.outcome', { status: status || '–' }) }),
    issues.length
      ? h('ul', {}, issues.map((i) => h('li', { 'data-severity': i.severity ?? '' }, [
        h('strong', { text: `${i.severity ?? ''} ${i.code ?? ''}: ` }),
        i.details?.text ?? i.diagnostics ?? '',
        i.expression?.length ? h('code', { text: ` (${i.expression.join(', ')})` }) : null,
      ])))
      : h('p', { text: message ?? '' }),
  ]);
}


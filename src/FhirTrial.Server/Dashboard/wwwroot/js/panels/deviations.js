// Protocol deviations ($protocol-deviations per subject at the cut-off): counts by kind, then one row per deviation.

import { h } from '../dom.js';
import { number, t } from '../i18n.js';

export function kindLabel(kind) {
  const text = t(`kind.${kind}`);
  return text === `kind.${kind}` ? kind : text;
}

/** Deviations by kind: how many, and in how many subjects. */
export function deviationsByKind(results) {
  const kinds = new Map();
  for (const { subject, deviations } of results) {
    for (const d of deviations) {
      const entry = kinds.get(d.kind) ?? { kind: d.kind, count: 0, subjects: new Set() };
      entry.count++;
      entry.subjects.add(subject.id);
      kinds.set(d.kind, entry);
    }
  }
  return [...kinds.values()].sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}

export function deviationKindTable(results) {
  const rows = deviationsByKind(results);
  return h('table', { class: 'data', 'data-testid': 'deviation-kinds' }, [
    h('caption', { text: t('deviations.byKind') }),
    h('thead', {}, h('tr', {}, [t('deviations.kind'), t('deviations.count'), t('deviations.subjects')].map((text, i) => h('th', { scope: 'col', class: i ? 'num' : null, text })))),
    h('tbody', {}, rows.length
      ? rows.map((r) => h('tr', { 'data-kind': r.kind }, [
        h('th', { scope: 'row', 'data-value': r.kind, text: kindLabel(r.kind) }),
        h('td', { class: 'num', 'data-col': 'count', text: number(r.count) }),
        h('td', { class: 'num', 'data-col': 'subjects', text: number(r.subjects.size) }),
      ]))
      : h('tr', {}, h('td', { colspan: 3, class: 'muted', text: t('deviations.none') }))),
  ]);
}

export function deviationTable(results) {
  const rows = results.flatMap(({ subject, deviations, error }) => error
    ? [{ subject, kind: 'error', date: '', detail: error }]
    : deviations.map((d) => ({ subject, ...d })));
  return h('table', { class: 'data', 'data-testid': 'deviation-table' }, [
    h('thead', {}, h('tr', {}, [t('deviations.subject'), t('deviations.kind'), t('deviations.date'), t('deviations.detail')].map((text) => h('th', { scope: 'col', text })))),
    h('tbody', {}, rows.length
      ? rows.map((r) => h('tr', { 'data-subject': r.subject.id, 'data-kind': r.kind }, [
        h('th', { scope: 'row', text: r.subject.label }),
        h('td', { 'data-value': r.kind, text: kindLabel(r.kind) }),
        h('td', { text: r.date ?? '' }),
        h('td', { text: r.detail ?? '' }),
      ]))
      : h('tr', {}, h('td', { colspan: 4, class: 'muted', text: t('deviations.none') }))),
  ]);
}

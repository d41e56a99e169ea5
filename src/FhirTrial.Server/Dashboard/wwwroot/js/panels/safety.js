// Safety ($safety): subject counts, the adverse-event table by term and grade, and the same terms as a bar chart.

import { describe, DESCRIBED, INK } from '../charts.js';
import { h } from '../dom.js';
import { countOf } from '../format.js';
import { t } from '../i18n.js';

const ANY_GRADE = '#7fa7d1';
const GRADE_3 = '#b3261e';
const gradeScale = () => ({ domain: [t('safety.anyGrade'), t('safety.grade3Legend')], range: [ANY_GRADE, GRADE_3] });
/** Terms drawn at most; the table lists them all. */
const PLOTTED_TERMS = 25;

const SUMMARY = [
  ['anyAe', 'safety.anyAe'],
  ['anyTrae', 'safety.anyTrae'],
  ['grade3Trae', 'safety.grade3Trae'],
  ['seriousAe', 'safety.seriousAe'],
  ['grade5Ae', 'safety.grade5Ae'],
];

export function safetySummary(safety) {
  const total = safety.subjects ?? 0;
  return h('ul', { class: 'cards', 'data-testid': 'safety-summary' }, [
    h('li', { class: 'card', 'data-key': 'subjects' }, [h('span', { class: 'card-value', text: String(total) }), h('span', { class: 'card-label', text: t('safety.population') })]),
    ...SUMMARY.map(([key, label]) =>
      h('li', { class: 'card', 'data-key': key, 'data-count': safety[key] ?? 0 }, [
        h('span', { class: 'card-value', text: countOf(safety[key] ?? 0, total) }),
        h('span', { class: 'card-label', text: t(label) }),
      ])),
  ]);
}

function termName(term) {
  return term.display || term.code?.display || term.code?.code || '?';
}

/**
 * The one place that decides a term's system organ class: the `soc` part $safety gives per term (a Coding or text)
 * when the server sends it, else "—"; rows come grouped by class (named classes first), in $safety's order within one.
 */
export function safetyRows(safety) {
  // Either form the server may give: a `soc` part on each term, or `soc` entries listing their terms.
  const fromTable = new Map();
  for (const soc of safety.soc ?? []) for (const term of soc.term ?? []) fromTable.set(term.code?.code ?? term.code, soc);
  const socOf = (term) => {
    const soc = (Array.isArray(term.soc) ? term.soc[0] : term.soc) ?? fromTable.get(term.code?.code);
    if (!soc) return { name: '—', code: '' };
    if (typeof soc === 'string') return { name: soc, code: '' };
    const code = soc.code?.code ?? (typeof soc.code === 'string' ? soc.code : '');
    return { name: soc.display || soc.code?.display || code || '—', code };
  };
  return (safety.term ?? [])
    .map((term) => ({ term, soc: socOf(term) }))
    .sort((a, b) => (a.soc.name === '—') - (b.soc.name === '—') || a.soc.name.localeCompare(b.soc.name));
}

export function safetyTable(safety) {
  const total = safety.subjects ?? 0;
  const cell = (col, n) => h('td', { class: 'num', 'data-col': col, 'data-value': String(n ?? 0), text: countOf(n ?? 0, total) });
  const body = safetyRows(safety).map(({ term, soc }) =>
    h('tr', { 'data-term': term.code?.code ?? '', 'data-soc': soc.code || soc.name }, [
      h('td', { text: soc.name }),
      h('th', { scope: 'row', text: termName(term) }),
      h('td', { class: 'code', text: term.code?.code ?? '' }),
      h('td', { class: 'num', 'data-col': 'subjects', text: countOf(term.subjects ?? 0, total) }),
      cell('g12', term.grade1to2Subjects),
      cell('g34', term.grade3to4Subjects),
      cell('g5', term.grade5Subjects),
      h('td', { class: 'num', 'data-col': 'grade3', text: countOf(term.grade3Subjects ?? 0, total) }),
      cell('related', term.relatedSubjects),
      cell('related34', term.relatedGrade3to4Subjects),
      h('td', { class: 'num', 'data-col': 'maxGrade' }, term.maxGrade ? h('span', { class: `grade grade-${term.maxGrade}`, text: String(term.maxGrade) }) : '–'),
    ]));
  const headers = [
    ['safety.soc', ''], ['safety.term', ''], ['safety.code', ''], ['safety.any', 'num'], ['safety.g12', 'num'], ['safety.g34', 'num'],
    ['safety.g5', 'num'], ['safety.grade3', 'num'], ['safety.related', 'num'], ['safety.related34', 'num'], ['safety.worst', 'num'],
  ];
  return h('table', { class: 'data', 'data-testid': 'safety-table' }, [
    h('caption', { text: t('safety.caption', { n: total }) }),
    h('thead', {}, h('tr', {}, headers.map(([key, cls]) => h('th', { scope: 'col', class: cls || null, text: t(key) })))),
    h('tbody', {}, body.length ? body : h('tr', {}, h('td', { colspan: headers.length, class: 'muted', text: t('safety.none') }))),
  ]);
}

/** Vega-Lite spec: subjects per term at any grade, with the grade ≥3 subjects as a narrower bar inside. */
export function safetySpec(safety) {
  const rows = (safety.term ?? []).slice(0, PLOTTED_TERMS).map((term) => ({
    name: termName(term),
    subjects: term.subjects ?? 0,
    grade3: term.grade3Subjects ?? 0,
    description: describe({ term: termName(term), code: term.code?.code, 'any grade': term.subjects ?? 0, 'grade ≥3': term.grade3Subjects ?? 0 }),
  }));
  const y = { field: 'name', type: 'nominal', sort: null, title: null, axis: { labelColor: INK, labelLimit: 280, labelPadding: 6, ticks: false } };
  const x = { type: 'quantitative', scale: { domain: [0, Math.max(1, ...rows.map((r) => r.subjects))], nice: true } };
  return {
    description: 'Adverse events by term: subjects with any grade and with grade 3 or higher',
    width: 420,
    height: { step: 22 },
    layer: [
      {
        name: 'ae_any_grade',
        data: { values: rows },
        mark: { type: 'bar', height: { band: 0.75 } },
        encoding: {
          y,
          x: { ...x, field: 'subjects', title: t('safety.axis'), axis: { tickMinStep: 1, format: 'd', grid: true } },
          color: { datum: t('safety.anyGrade'), scale: gradeScale(), title: null },
          ...DESCRIBED,
        },
      },
      {
        name: 'ae_grade3',
        data: { values: rows.filter((r) => r.grade3 > 0) },
        mark: { type: 'bar', height: { band: 0.35 } },
        encoding: { y, x: { ...x, field: 'grade3' }, color: { datum: t('safety.grade3Legend'), scale: gradeScale(), title: null }, ...DESCRIBED },
      },
      {
        name: 'ae_counts',
        data: { values: rows },
        mark: { type: 'text', align: 'left', dx: 4, aria: false },
        encoding: { y, x: { ...x, field: 'subjects' }, text: { field: 'subjects' } },
      },
    ],
  };
}

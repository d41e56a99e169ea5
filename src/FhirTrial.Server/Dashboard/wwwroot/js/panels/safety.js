// Safety ($safety): subject counts, the adverse-event table by term and grade, and the same terms as a bar chart.

import { describe, DESCRIBED, INK } from '../charts.js';
import { h } from '../dom.js';
import { countOf } from '../format.js';

const ANY_GRADE = '#7fa7d1';
const GRADE_3 = '#b3261e';
const GRADES = { domain: ['Any grade', 'Grade ≥3'], range: [ANY_GRADE, GRADE_3] };
/** Terms drawn at most; the table lists them all. */
const PLOTTED_TERMS = 25;

const SUMMARY = [
  ['anyAe', 'Any adverse event'],
  ['anyTrae', 'Treatment-related AE'],
  ['grade3Trae', 'Grade ≥3 treatment-related AE'],
  ['seriousAe', 'Serious AE'],
  ['grade5Ae', 'Grade 5 (fatal) AE'],
];

export function safetySummary(safety) {
  const total = safety.subjects ?? 0;
  return h('ul', { class: 'cards', 'data-testid': 'safety-summary' }, [
    h('li', { class: 'card', 'data-key': 'subjects' }, [h('span', { class: 'card-value', text: String(total) }), h('span', { class: 'card-label', text: 'Subjects in the safety population' })]),
    ...SUMMARY.map(([key, label]) =>
      h('li', { class: 'card', 'data-key': key, 'data-count': safety[key] ?? 0 }, [
        h('span', { class: 'card-value', text: countOf(safety[key] ?? 0, total) }),
        h('span', { class: 'card-label', text: label }),
      ])),
  ]);
}

function termName(term) {
  return term.display || term.code?.display || term.code?.code || '?';
}

export function safetyTable(safety) {
  const total = safety.subjects ?? 0;
  const terms = safety.term ?? [];
  const body = terms.map((term) =>
    h('tr', { 'data-term': term.code?.code ?? '' }, [
      h('th', { scope: 'row', text: termName(term) }),
      h('td', { class: 'code', text: term.code?.code ?? '' }),
      h('td', { class: 'num', 'data-col': 'subjects', text: countOf(term.subjects ?? 0, total) }),
      h('td', { class: 'num', 'data-col': 'grade3', text: countOf(term.grade3Subjects ?? 0, total) }),
      h('td', { class: 'num', 'data-col': 'maxGrade' }, term.maxGrade ? h('span', { class: `grade grade-${term.maxGrade}`, text: String(term.maxGrade) }) : '–'),
    ]));
  return h('table', { class: 'data', 'data-testid': 'safety-table' }, [
    h('caption', { text: `Subjects with each adverse event term (each subject once, at their worst grade); N = ${total}` }),
    h('thead', {}, h('tr', {}, [
      h('th', { scope: 'col', text: 'Term' }),
      h('th', { scope: 'col', text: 'Code' }),
      h('th', { scope: 'col', class: 'num', text: 'Any grade, n (%)' }),
      h('th', { scope: 'col', class: 'num', text: 'Grade ≥3, n (%)' }),
      h('th', { scope: 'col', class: 'num', text: 'Worst grade' }),
    ])),
    h('tbody', {}, body.length ? body : h('tr', {}, h('td', { colspan: 5, class: 'muted', text: 'No adverse events reported.' }))),
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
          x: { ...x, field: 'subjects', title: 'Subjects', axis: { tickMinStep: 1, format: 'd', grid: true } },
          color: { datum: 'Any grade', scale: GRADES, title: null },
          ...DESCRIBED,
        },
      },
      {
        name: 'ae_grade3',
        data: { values: rows.filter((r) => r.grade3 > 0) },
        mark: { type: 'bar', height: { band: 0.35 } },
        encoding: { y, x: { ...x, field: 'grade3' }, color: { datum: 'Grade ≥3', scale: GRADES, title: null }, ...DESCRIBED },
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

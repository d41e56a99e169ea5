// Safety ($safety): subject counts, the adverse-event table by term and grade, and the same terms as a bar chart.

import { el, plot, text, linear, axisBottom, legend, niceDomain, approximateTextWidth } from '../svg.js';
import { h } from '../dom.js';
import { countOf } from '../format.js';

const ANY_GRADE = '#7fa7d1';
const GRADE_3 = '#b3261e';

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

export function safetyPlot(safety) {
  const terms = (safety.term ?? []).slice(0, 25);
  const names = terms.map(termName);
  const rowHeight = 22;
  const margin = { top: 34, right: 40, bottom: 48, left: Math.min(320, 20 + Math.max(60, ...names.map((n) => approximateTextWidth(n, 11)))) };
  const width = margin.left + 420;
  const height = margin.top + Math.max(terms.length, 1) * rowHeight + margin.bottom;
  const [, max] = niceDomain(0, Math.max(1, ...terms.map((t) => t.subjects ?? 0)), 6);
  const x = linear([0, max], [margin.left, width - margin.right]);
  const svg = plot(width, height, {
    title: 'Adverse events by term: subjects with any grade and with grade 3 or higher',
    description: terms.map((t, i) => `${names[i]}: ${t.subjects} any grade, ${t.grade3Subjects} grade ≥3`).join('; '),
    testId: 'safety-plot',
  });
  svg.append(axisBottom(x, { y: height - margin.bottom, values: x.ticks(6).filter(Number.isInteger), label: 'Subjects', gridTop: margin.top }));
  terms.forEach((term, i) => {
    const y = margin.top + i * rowHeight;
    const g = el('g', { class: 'term', 'data-term': term.code?.code ?? '', 'data-subjects': term.subjects, 'data-grade3': term.grade3Subjects });
    g.append(text(margin.left - 8, y + rowHeight / 2 + 4, names[i], { 'text-anchor': 'end', 'font-size': 11 }));
    g.append(el('rect', { x: x(0), y: y + 3, width: x(term.subjects ?? 0) - x(0), height: rowHeight - 6, fill: ANY_GRADE },
      el('title', {}, `${names[i]}: ${term.subjects} subjects, any grade`)));
    if (term.grade3Subjects) {
      g.append(el('rect', { x: x(0), y: y + 7, width: x(term.grade3Subjects) - x(0), height: rowHeight - 14, fill: GRADE_3 },
        el('title', {}, `${names[i]}: ${term.grade3Subjects} subjects, grade ≥3`)));
    }
    g.append(text(x(term.subjects ?? 0) + 4, y + rowHeight / 2 + 4, term.subjects ?? 0, { 'font-size': 11 }));
    svg.append(g);
  });
  svg.append(legend([{ key: 'any', label: 'Any grade', color: ANY_GRADE }, { key: 'g3', label: 'Grade ≥3', color: GRADE_3 }], { x: margin.left, y: 18 }));
  return svg;
}

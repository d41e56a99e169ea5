// Quality of life: EORTC scale scores ($score of each questionnaire response up to the cut-off), mean per scale and
// visit with the number of responses; the global health status (QL2) over visits as a line.

import { describe, DESCRIBED } from '../charts.js';
import { h } from '../dom.js';
import { number, t } from '../i18n.js';

/** Visits as the schedule has them: baseline (on or before the first dose), then weeks since it in steps of 3 (a cycle). */
export function visitOf(day) {
  if (day === null || day === undefined || day <= 0) return { order: 0, label: t('qol.baseline') };
  const week = Math.max(3, Math.round(day / 21) * 3);
  return { order: week, label: t('qol.week', { n: week }) };
}

/** Mean score per scale and visit: [{ scale, visits: Map(order -> { label, mean, n }) }], scales in name order. */
export function qolSummary(scored) {
  const scales = new Map();
  const visits = new Map();
  for (const response of scored) {
    const visit = visitOf(response.day);
    visits.set(visit.order, visit.label);
    for (const [scale, value] of response.scales) {
      const byVisit = scales.get(scale) ?? new Map();
      const cell = byVisit.get(visit.order) ?? { sum: 0, n: 0 };
      cell.sum += value;
      cell.n++;
      byVisit.set(visit.order, cell);
      scales.set(scale, byVisit);
    }
  }
  const order = [...visits.keys()].sort((a, b) => a - b);
  const rows = [...scales.keys()].sort().map((scale) => ({
    scale,
    cells: order.map((o) => {
      const c = scales.get(scale).get(o);
      return c ? { visit: visits.get(o), mean: c.sum / c.n, n: c.n } : null;
    }),
  }));
  return { visits: order.map((o) => visits.get(o)), rows };
}

export function qolTable(summary) {
  return h('table', { class: 'data', 'data-testid': 'qol-table' }, [
    h('thead', {}, h('tr', {}, [h('th', { scope: 'col', text: t('qol.scale') }), ...summary.visits.map((v) => h('th', { scope: 'col', class: 'num', text: v }))])),
    h('tbody', {}, summary.rows.map((row) => h('tr', { 'data-scale': row.scale }, [
      h('th', { scope: 'row', text: row.scale }),
      ...row.cells.map((c) => c
        ? h('td', { class: 'num', 'data-n': c.n, 'data-value': c.mean.toFixed(1), text: t('qol.cell', { mean: number(c.mean, 1), n: number(c.n) }) })
        : h('td', { class: 'num muted', text: '–' })),
    ]))),
  ]);
}

/** Vega-Lite spec: mean global health status (QL2) by visit, labelled with n. */
export function qolSpec(summary) {
  const row = summary.rows.find((r) => r.scale === 'QL2') ?? summary.rows[0];
  const values = (row?.cells ?? []).filter(Boolean).map((c, i) => ({
    visit: c.visit, order: i, mean: c.mean, n: c.n,
    description: describe({ scale: row.scale, visit: c.visit, mean: c.mean.toFixed(1), n: c.n }),
  }));
  const x = { field: 'visit', type: 'ordinal', sort: null, title: t('qol.visit') };
  const y = { field: 'mean', type: 'quantitative', scale: { domain: [0, 100] }, title: row?.scale === 'QL2' ? t('qol.axis') : row?.scale };
  return {
    description: 'Mean quality-of-life scale score by visit',
    width: 420,
    height: 220,
    layer: [
      { name: 'qol_line', data: { values }, mark: { type: 'line', point: false, color: '#0b5cad' }, encoding: { x, y } },
      { name: 'qol_points', data: { values }, mark: { type: 'point', filled: true, size: 60, color: '#0b5cad' }, encoding: { x, y, ...DESCRIBED } },
      { name: 'qol_n', data: { values: values.map((v) => ({ ...v, text: `n=${v.n}` })) }, mark: { type: 'text', dy: -10, fontSize: 10, aria: false }, encoding: { x, y, text: { field: 'text' } } },
    ],
  };
}

// Waterfall: each subject's best % change from baseline in the sum of target diameters, coloured by best overall response.

import { el, plot, text, line, linear, band, axisLeft, legend, niceDomain, MUTED } from '../svg.js';
import { signedPercent } from '../format.js';
import { responseColor, legendFor } from '../responses.js';

/** Subjects with a best change, largest increase first (the usual waterfall order). */
export function waterfallRows(subjects) {
  return subjects
    .filter((s) => typeof s.bestChange === 'number')
    .map((s) => ({ id: s.id, label: s.label, value: s.bestChange, response: s.bor ?? 'NE' }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
}

export function waterfallPlot(rows) {
  const width = Math.max(560, 120 + rows.length * 30);
  const height = 400;
  const margin = { top: 36, right: 44, bottom: 86, left: 70 };
  const values = rows.map((r) => r.value);
  const [lo, hi] = niceDomain(Math.min(-100, ...values), Math.max(30, ...values), 8);
  const y = linear([lo, hi], [height - margin.bottom, margin.top]);
  const x = band(rows.map((r) => r.id), [margin.left, width - margin.right], 0.25);

  const svg = plot(width, height, {
    title: 'Best percentage change in the sum of target lesion diameters',
    description: rows.map((r) => `${r.label}: ${signedPercent(r.value)} (${r.response})`).join('; '),
    testId: 'waterfall-plot',
  });
  svg.append(axisLeft(y, { x: margin.left, values: y.ticks(8), format: (v) => `${v < 0 ? '\u2212' : ''}${Math.abs(v)}%`, label: 'Best change from baseline', gridRight: width - margin.right }));

  const bars = el('g', { class: 'bars' });
  for (const row of rows) {
    const x0 = x(row.id);
    const top = Math.min(y(row.value), y(0));
    const barHeight = Math.max(1, Math.abs(y(row.value) - y(0)));
    const label = signedPercent(row.value);
    const g = el('g', {
      class: 'bar',
      'data-subject': row.id,
      'data-label': row.label,
      'data-value': row.value.toFixed(1),
      'data-response': row.response,
    });
    g.append(el('rect', { x: x0, y: top, width: x.bandwidth, height: barHeight, fill: responseColor(row.response) },
      el('title', {}, `${row.label}: ${label}, best overall response ${row.response}`)));
    const valueY = row.value >= 0 ? top - 4 : top + barHeight + 11;
    g.append(text(x0 + x.bandwidth / 2, valueY, label, { class: 'value', 'text-anchor': 'middle', 'font-size': 9 }));
    const lx = x0 + x.bandwidth / 2;
    const ly = height - margin.bottom + 14;
    g.append(text(lx, ly, row.label, { class: 'subject', 'text-anchor': 'end', 'font-size': 10, transform: `rotate(-50 ${lx.toFixed(2)} ${ly})` }));
    bars.append(g);
  }
  svg.append(bars);
  svg.append(line(margin.left, y(0), width - margin.right, y(0), { stroke: '#323f4b' }));
  // RECIST thresholds drawn over the bars, labelled in the right margin.
  for (const [value, label] of [[20, '+20%'], [-30, '−30%']]) {
    if (value < lo || value > hi) continue;
    svg.append(line(margin.left, y(value), width - margin.right, y(value), { stroke: '#323f4b', 'stroke-dasharray': '4 3', 'stroke-opacity': 0.7 }));
    svg.append(text(width - margin.right + 4, y(value) + 4, label, { 'font-size': 10, fill: MUTED }));
  }
  svg.append(legend(legendFor(rows.map((r) => r.response)), { x: margin.left, y: 18 }));
  return svg;
}

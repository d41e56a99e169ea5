// Swimmer: time on treatment (first dose to the last dose or assessment) with response, progression and death markers.

import { el, plot, text, line, linear, band, axisBottom, legend, niceDomain, MUTED } from '../svg.js';
import { months } from '../format.js';
import { responseColor, legendFor } from '../responses.js';

const MARKERS = {
  response: { label: 'First response', color: '#0b5cad' },
  progression: { label: 'Progression', color: '#d1342f' },
  death: { label: 'Death', color: '#1f2933' },
  ongoing: { label: 'On treatment', color: '#323f4b' },
};

export function swimmerRows(subjects) {
  return subjects
    .filter((s) => s.treatmentDays !== null && s.treatmentDays !== undefined)
    .map((s) => ({
      id: s.id,
      label: s.label,
      site: s.siteName,
      days: s.treatmentDays,
      response: s.bor ?? 'NE',
      responseDay: s.firstResponseDay,
      progressionDay: s.progressionDay,
      deathDay: s.deathDay,
      ongoing: s.ongoing && !s.deceased && s.progressionDay === null,
    }))
    .sort((a, b) => b.days - a.days || a.label.localeCompare(b.label));
}

function symbol(kind, cx, cy, size = 6) {
  const { color } = MARKERS[kind];
  switch (kind) {
    case 'response':
      return el('path', { d: `M${cx} ${cy - size}L${cx + size} ${cy + size * 0.8}L${cx - size} ${cy + size * 0.8}Z`, fill: color, stroke: '#fff', 'stroke-width': 1 });
    case 'progression':
      return el('path', { d: `M${cx} ${cy - size}L${cx + size} ${cy}L${cx} ${cy + size}L${cx - size} ${cy}Z`, fill: color, stroke: '#fff', 'stroke-width': 1 });
    case 'death':
      return el('path', { d: `M${cx - size} ${cy - size}L${cx + size} ${cy + size}M${cx + size} ${cy - size}L${cx - size} ${cy + size}`, stroke: color, 'stroke-width': 2.5, fill: 'none' });
    default:
      return el('path', { d: `M${cx - size} ${cy}L${cx + size} ${cy}M${cx + size * 0.2} ${cy - size * 0.7}L${cx + size} ${cy}L${cx + size * 0.2} ${cy + size * 0.7}`, stroke: color, 'stroke-width': 2, fill: 'none' });
  }
}

export function swimmerPlot(rows) {
  const rowHeight = 24;
  const width = 1100;
  const margin = { top: 40, right: 30, bottom: 50, left: 150 };
  const height = margin.top + Math.max(rows.length, 1) * rowHeight + margin.bottom;
  const maxDays = Math.max(42, ...rows.flatMap((r) => [r.days, r.deathDay ?? 0, r.progressionDay ?? 0]));
  const [, maxMonths] = niceDomain(0, months(maxDays) * 1.04, 8);
  const x = linear([0, maxMonths], [margin.left, width - margin.right]);
  const xDay = (d) => x(months(d));
  const y = band(rows.map((r) => r.id), [margin.top, margin.top + rows.length * rowHeight], 0.3);

  const svg = plot(width, height, {
    title: 'Time on treatment per subject, with response, progression and death',
    description: rows.map((r) => `${r.label}: ${r.days} days, ${r.response}`).join('; '),
    testId: 'swimmer-plot',
  });
  svg.append(axisBottom(x, { y: height - margin.bottom, values: x.ticks(8), label: 'Months since first dose', gridTop: margin.top }));

  for (const row of rows) {
    const y0 = y(row.id);
    const cy = y0 + y.bandwidth / 2;
    const g = el('g', {
      class: 'swim',
      'data-subject': row.id,
      'data-label': row.label,
      'data-days': row.days,
      'data-response': row.response,
      'data-response-day': row.responseDay ?? '',
      'data-progression-day': row.progressionDay ?? '',
      'data-death-day': row.deathDay ?? '',
      'data-ongoing': row.ongoing ? 'true' : 'false',
    });
    g.append(text(margin.left - 8, cy + 4, row.label, { 'text-anchor': 'end', class: 'subject' }));
    g.append(el('rect', { x: x(0), y: y0, width: Math.max(1, xDay(row.days) - x(0)), height: y.bandwidth, rx: 2, fill: responseColor(row.response) },
      el('title', {}, `${row.label} (${row.site}): ${row.days} days on treatment, best overall response ${row.response}`)));
    if (row.deathDay !== null && row.deathDay > row.days) {
      g.append(line(xDay(row.days), cy, xDay(row.deathDay), cy, { stroke: MUTED, 'stroke-dasharray': '2 3' }));
    }
    const marker = (kind, day) => {
      const m = el('g', { class: 'marker', 'data-marker': kind, 'data-day': day }, [symbol(kind, xDay(day), cy), el('title', {}, `${MARKERS[kind].label}: day ${day}`)]);
      g.append(m);
    };
    if (row.responseDay !== null && row.responseDay !== undefined) marker('response', row.responseDay);
    if (row.progressionDay !== null && row.progressionDay !== undefined) marker('progression', row.progressionDay);
    if (row.deathDay !== null && row.deathDay !== undefined) marker('death', row.deathDay);
    if (row.ongoing) {
      const m = el('g', { class: 'marker', 'data-marker': 'ongoing' }, symbol('ongoing', xDay(row.days) + 10, cy));
      g.append(m);
    }
    svg.append(g);
  }

  const markerLegend = Object.entries(MARKERS).map(([key, m]) => ({ key, label: m.label, symbol: (cx, cy) => symbol(key, cx, cy - 3, 5) }));
  svg.append(legend([...legendFor(rows.map((r) => r.response)), ...markerLegend], { x: margin.left, y: 20 }));
  return svg;
}

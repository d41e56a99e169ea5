// Kaplan-Meier curves ($efficacy `pfs`, `os` parts) with censoring marks and numbers at risk.

import { el, plot, text, line, linear, axisBottom, axisLeft, niceStep, round, MUTED } from '../svg.js';
import { DAYS_PER_MONTH, monthsLabel } from '../format.js';

/**
 * The curve's steps with the events and censorings at each time, recovered from the operation's points
 * (time, survival, atRisk): those leaving the risk set at a time are atRisk there minus atRisk at the next time;
 * the events among them follow from the drop in survival.
 */
export function kaplanMeierSteps(points) {
  const sorted = [...(points ?? [])].sort((a, b) => a.time - b.time);
  let previous = 1;
  return sorted.map((p, i) => {
    const leaving = p.atRisk - (sorted[i + 1]?.atRisk ?? 0);
    const events = p.survival < previous && previous > 0 ? Math.round(p.atRisk * (1 - p.survival / previous)) : 0;
    previous = p.survival;
    return { ...p, events, censored: Math.max(0, leaving - events) };
  });
}

/** Subjects still at risk at `day`: those whose time is at or after it. */
export function atRiskAt(steps, day) {
  const next = steps.find((s) => s.time >= day);
  return next ? next.atRisk : 0;
}

/** Tick spacing in months: 1, 2, 3, 6 or 12 months, about 6 to 8 ticks over the follow-up. */
function monthStep(maxMonths) {
  for (const step of [1, 2, 3, 6, 12]) if (maxMonths / step <= 8) return step;
  return niceStep(0, maxMonths, 8);
}

export function survivalPlot(endpoint, { key, title, color }) {
  const steps = kaplanMeierSteps(endpoint.point);
  const lastDay = Math.max(1, ...steps.map((s) => s.time));
  const step = monthStep(lastDay / DAYS_PER_MONTH);
  const maxMonths = Math.max(step, Math.ceil(lastDay / DAYS_PER_MONTH / step) * step);
  const tickMonths = [];
  for (let m = 0; m <= maxMonths + 1e-9; m += step) tickMonths.push(m);

  const width = 520;
  const margin = { top: 30, right: 24, bottom: 104, left: 70 };
  const height = 380;
  const plotBottom = height - margin.bottom;
  const x = linear([0, maxMonths], [margin.left, width - margin.right]);
  const xDay = (d) => x(d / DAYS_PER_MONTH);
  const y = linear([0, 1], [plotBottom, margin.top]);

  const median = endpoint.median;
  const summary = `Median ${monthsLabel(median)} (95% CI ${monthsLabel(endpoint.medianLower)}–${monthsLabel(endpoint.medianUpper)}); ${endpoint.events ?? 0} events, ${endpoint.censored ?? 0} censored`;
  const svg = plot(width, height, { title: `${title}: Kaplan-Meier estimate`, description: summary, testId: `km-${key}` });
  svg.append(axisLeft(y, { x: margin.left, values: [0, 0.25, 0.5, 0.75, 1], format: (v) => `${Math.round(v * 100)}%`, label: title, gridRight: width - margin.right }));
  svg.append(axisBottom(x, { y: plotBottom, values: tickMonths, label: 'Months since first dose' }));

  // The step function: flat until each time, then down to that time's survival.
  let d = `M${round(xDay(0))} ${round(y(1))}`;
  for (const s of steps) d += `H${round(xDay(s.time))}V${round(y(s.survival))}`;
  svg.append(el('path', { class: 'km-curve', d, fill: 'none', stroke: color, 'stroke-width': 2, 'data-endpoint': key }));

  const censorMarks = el('g', { class: 'censored' });
  for (const s of steps.filter((s) => s.censored > 0 && s.time > 0)) {
    const cx = xDay(s.time);
    const cy = y(s.survival);
    censorMarks.append(el('path', { d: `M${round(cx)} ${round(cy - 5)}V${round(cy + 5)}`, stroke: color, 'stroke-width': 1.5, 'data-day': s.time, 'data-censored': s.censored },
      el('title', {}, `${s.censored} censored at day ${s.time}`)));
  }
  svg.append(censorMarks);

  if (typeof median === 'number') {
    svg.append(line(margin.left, y(0.5), xDay(median), y(0.5), { stroke: MUTED, 'stroke-dasharray': '4 3' }));
    svg.append(line(xDay(median), y(0.5), xDay(median), plotBottom, { stroke: MUTED, 'stroke-dasharray': '4 3' }));
  }
  svg.append(text(width - margin.right, 14, summary.split(';')[0], { 'text-anchor': 'end', 'font-size': 11, class: 'median', 'data-median': median ?? '' }));

  // Numbers at risk under the axis, one per tick.
  const tableY = plotBottom + 62;
  const table = el('g', { class: 'at-risk', 'font-size': 11 });
  table.append(text(margin.left - 62, tableY - 18, 'Number at risk', { 'font-weight': 700 }));
  table.append(text(margin.left - 62, tableY, key.toUpperCase(), { fill: color, 'font-weight': 700 }));
  for (const m of tickMonths) {
    const day = m * DAYS_PER_MONTH;
    const n = atRiskAt(steps, day);
    table.append(text(x(m), tableY, n, { 'text-anchor': 'middle', 'data-month': m, 'data-at-risk': n }));
  }
  svg.append(table);
  return { svg, summary };
}

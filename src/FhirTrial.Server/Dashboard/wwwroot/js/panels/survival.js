// Kaplan-Meier curves ($efficacy `pfs`, `os` parts) with censoring marks and numbers at risk.

import { describe, DESCRIBED, INK, MUTED } from '../charts.js';
import { DAYS_PER_MONTH, monthsLabel } from '../format.js';
import { number, t } from '../i18n.js';

const WIDTH = 480;

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

/** Tick spacing in months: 1, 2, 3, 6 or 12 months, or a multiple of 12 past 8 years; about 6 to 8 ticks. */
function monthStep(maxMonths) {
  for (const step of [1, 2, 3, 6, 12]) if (maxMonths / step <= 8) return step;
  return 12 * Math.ceil(maxMonths / 96);
}

const percentOf = (survival) => `${Math.round(survival * 100)}%`;

/**
 * Where the curve stops being drawn: at the first time fewer than 10% of the subjects (and never fewer than 2) remain
 * at risk, since the estimate beyond rests on one or two people and its band spans almost 0 to 1.
 */
export function minimumAtRisk(subjects) {
  return Math.max(2, Math.ceil(0.1 * subjects));
}

/**
 * Vega-Lite spec: the step curve with censoring ticks and the median's dashed guides, over a row of numbers at risk
 * at each month tick. Returns the spec and a one-line summary.
 */
export function survivalSpec(endpoint, { key, title, color }) {
  const allSteps = kaplanMeierSteps(endpoint.point);
  const subjects = allSteps[0]?.atRisk ?? 0;
  const minAtRisk = minimumAtRisk(subjects);
  const cutAt = allSteps.findIndex((s) => s.atRisk < minAtRisk);
  const steps = cutAt < 0 ? allSteps : allSteps.slice(0, cutAt);
  const cut = cutAt > 0 ? { day: allSteps[cutAt].time, survival: steps.at(-1).survival } : null;
  const lastDay = Math.max(1, ...allSteps.map((s) => s.time));
  const step = monthStep(lastDay / DAYS_PER_MONTH);
  const maxMonths = Math.max(step, Math.ceil(lastDay / DAYS_PER_MONTH / step) * step);
  const tickMonths = [];
  for (let m = 0; m <= maxMonths + 1e-9; m += step) tickMonths.push(m);
  const month = (day) => day / DAYS_PER_MONTH;

  const median = endpoint.median;
  const summary = t('survival.summary', {
    median: monthsLabel(median), lower: monthsLabel(endpoint.medianLower), upper: monthsLabel(endpoint.medianUpper),
    events: number(endpoint.events ?? 0), censored: number(endpoint.censored ?? 0),
  });
  const cutNote = cut ? t('survival.cut', { months: number(month(cut.day), 1), day: cut.day, min: minAtRisk }) : '';
  const name = key.toUpperCase();
  const x = { type: 'quantitative', scale: { domain: [0, maxMonths] } };

  // Step-after: flat from each time to the next, where it drops; starting at 100% at day 0.
  const curveText = steps.map((s) => `day ${s.time} ${percentOf(s.survival)}`).join(', ');
  const start = { time: 0, survival: 1, lower: 1, upper: 1 };
  const drawn = [start, ...steps, ...(cut ? [{ time: cut.day, survival: cut.survival, lower: steps.at(-1).lower, upper: steps.at(-1).upper }] : [])];
  const curve = drawn.map((s) => ({
    month: month(s.time),
    survival: s.survival,
    description: describe({ curve: name, 'survival by day': curveText, 'cut at day': cut?.day }),
  }));
  const band = drawn.filter((s) => typeof s.lower === 'number' && typeof s.upper === 'number').map((s) => ({
    month: month(s.time), lower: s.lower, upper: s.upper,
    description: describe({ curve: name, day: s.time, '95% CI': `${percentOf(s.lower)}–${percentOf(s.upper)}` }),
  }));
  const censored = steps.filter((s) => s.censored > 0 && s.time > 0).map((s) => ({
    month: month(s.time),
    survival: s.survival,
    description: describe({ curve: name, censored: s.censored, day: s.time }),
  }));
  const medianGuides = typeof median === 'number'
    ? [{ x: 0, x2: month(median), y: 0.5, y2: 0.5 }, { x: month(median), x2: month(median), y: 0, y2: 0.5 }]
    : [];
  const medianNote = [{
    text: summary.split(/[;；]/)[0],
    description: describe({ curve: name, 'median days': typeof median === 'number' ? median : 'not reached' }),
  }];
  const atRisk = tickMonths.map((m) => {
    const n = atRiskAt(allSteps, m * DAYS_PER_MONTH);
    return { month: m, row: name, atRisk: n, description: describe({ curve: name, month: m, 'at risk': n }) };
  });

  const survivalAxis = { values: [0, 0.25, 0.5, 0.75, 1], format: '.0%', grid: true };
  const spec = {
    description: `${title}: Kaplan-Meier estimate. ${summary} ${cutNote}`,
    spacing: 6,
    vconcat: [
      {
        width: WIDTH,
        height: 230,
        layer: [
          {
            name: 'km_band',
            data: { values: band },
            mark: { type: 'area', interpolate: 'step-after', color, opacity: 0.15 },
            encoding: {
              x: { ...x, field: 'month' },
              y: { field: 'lower', type: 'quantitative', scale: { domain: [0, 1] } },
              y2: { field: 'upper' },
              ...DESCRIBED,
            },
          },
          {
            name: 'km_curve',
            data: { values: curve },
            mark: { type: 'line', interpolate: 'step-after', color, strokeWidth: 2 },
            encoding: {
              x: { ...x, field: 'month', title: t('survival.axis'), axis: { values: tickMonths, format: 'd' } },
              y: { field: 'survival', type: 'quantitative', scale: { domain: [0, 1] }, title, axis: survivalAxis },
              ...DESCRIBED,
            },
          },
          {
            name: 'km_censored',
            data: { values: censored },
            mark: { type: 'point', shape: 'stroke', angle: 90, size: 120, strokeWidth: 1.5, color, opacity: 1 },
            encoding: { x: { ...x, field: 'month' }, y: { field: 'survival', type: 'quantitative' }, ...DESCRIBED },
          },
          {
            name: 'km_median_guides',
            data: { values: medianGuides },
            mark: { type: 'rule', color: MUTED, strokeDash: [4, 3], aria: false },
            encoding: { x: { ...x, field: 'x' }, x2: { field: 'x2' }, y: { field: 'y', type: 'quantitative' }, y2: { field: 'y2' } },
          },
          {
            name: 'km_median',
            data: { values: medianNote },
            mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -6, color: MUTED },
            encoding: { x: { value: 'width' }, y: { value: 0 }, text: { field: 'text' }, description: { field: 'description' } },
          },
        ],
      },
      {
        name: 'km_at_risk',
        width: WIDTH,
        height: 18,
        title: { text: t('survival.atRisk'), anchor: 'start', fontSize: 11, fontWeight: 'bold', color: INK, offset: 4 },
        data: { values: atRisk },
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          x: { ...x, field: 'month', axis: null },
          y: { field: 'row', type: 'nominal', title: null, axis: { labelColor: color, labelFontWeight: 'bold', labelFontSize: 11, labelPadding: 14, ticks: false, domain: false } },
          text: { field: 'atRisk' },
          description: { field: 'description' },
        },
      },
    ],
  };
  return { spec, summary: cutNote ? `${summary}. ${cutNote}` : summary };
}

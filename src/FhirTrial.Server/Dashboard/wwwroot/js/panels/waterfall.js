// Waterfall: each subject's best % change from baseline in the sum of target diameters, coloured by best overall response.

import { describe, DESCRIBED, INK, MUTED } from '../charts.js';
import { signedPercent } from '../format.js';
import { responseColorEncoding } from '../responses.js';
import { t } from '../i18n.js';

const AXIS_INK = '#323f4b';

/** RECIST 1.1 thresholds on the change in the sum of diameters. */
const THRESHOLDS = [
  { value: 20, label: '+20%', meaning: 'progressive disease at or above' },
  { value: -30, label: '\u221230%', meaning: 'partial response at or below' },
];

/** Subjects with a best change, largest increase first (the usual waterfall order). */
export function waterfallRows(subjects) {
  return subjects
    .filter((s) => typeof s.bestChange === 'number')
    .map((s) => ({ id: s.id, label: s.label, value: s.bestChange, response: s.bor ?? 'NE', newLesion: Boolean(s.newLesionProgression) }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
}

/** Vega-Lite spec: a bar per subject in the rows' order, value labels at the bar ends, dashed RECIST thresholds. */
export function waterfallSpec(rows) {
  const bars = rows.map((row) => ({
    ...row,
    top: Math.max(0, row.value),
    text: signedPercent(row.value),
    description: describe({
      subject: row.label,
      resource: `ResearchSubject/${row.id}`,
      'best change': signedPercent(row.value),
      'best overall response': row.response,
      'progression by new lesion': row.newLesion ? 'yes' : null,
    }),
  }));
  const values = rows.map((r) => r.value);
  const x = { field: 'label', type: 'nominal', sort: null };
  const y = { field: 'value', type: 'quantitative', scale: { domain: [Math.min(-100, ...values), Math.max(30, ...values) + 10], nice: true } }; // room for the top label
  const valueLabel = (keep, baseline, dy) => ({
    name: `waterfall_values_${baseline}`,
    data: { values: bars.filter(keep) },
    mark: { type: 'text', baseline, dy, fontSize: 9, aria: false },
    encoding: { x, y, text: { field: 'text' } },
  });
  const thresholds = THRESHOLDS.map((t) => ({ ...t, description: describe({ threshold: t.label, meaning: t.meaning }) }));
  return {
    description: 'Best percentage change in the sum of target lesion diameters',
    width: Math.max(400, rows.length * 30),
    height: 300,
    layer: [
      {
        name: 'waterfall_bars',
        data: { values: bars },
        mark: { type: 'bar', width: { band: 0.75 } },
        encoding: {
          x: { ...x, title: null, axis: { labelAngle: -50, labelColor: INK, labelFontSize: 10, ticks: false, domain: false } },
          y: {
            ...y,
            title: t('waterfall.axis'),
            axis: { grid: true, tickCount: 8, labelExpr: "(datum.value < 0 ? '\u2212' : '') + abs(datum.value) + '%'" },
          },
          color: responseColorEncoding('response', rows.map((r) => r.response)),
          ...DESCRIBED,
        },
      },
      valueLabel((b) => b.value >= 0, 'bottom', -3),
      valueLabel((b) => b.value < 0, 'top', 3),
      {
        // PD by a new lesion (RECIST 1.1, 4.3.2): the bar alone would hide it when the targets shrank.
        name: 'waterfall_new_lesion',
        data: { values: bars.filter((b) => b.newLesion).map((b) => ({ ...b, marker: '\u25b2N', description: describe({ subject: b.label, 'progression by new lesion': 'yes' }) })) },
        mark: { type: 'text', baseline: 'bottom', dy: -14, fontSize: 10, fontWeight: 'bold', color: '#d1342f' },
        encoding: { x, y: { ...y, field: 'top' }, text: { field: 'marker' }, ...DESCRIBED },
      },
      {
        name: 'waterfall_zero',
        data: { values: [{ value: 0 }] },
        mark: { type: 'rule', color: AXIS_INK, aria: false },
        encoding: { y },
      },
      {
        name: 'waterfall_thresholds',
        data: { values: thresholds },
        mark: { type: 'rule', color: AXIS_INK, strokeDash: [4, 3], opacity: 0.7 },
        encoding: { y, ...DESCRIBED },
      },
      {
        name: 'waterfall_threshold_labels',
        data: { values: thresholds },
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: MUTED, aria: false },
        encoding: { y, x: { value: 'width' }, text: { field: 'label' } },
      },
    ],
  };
}

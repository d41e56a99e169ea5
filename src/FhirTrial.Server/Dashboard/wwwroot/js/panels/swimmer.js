// Swimmer: time on treatment (first to last dose, never past the cut-off) with response, progression and death
// markers, a dotted follow-up line after the last dose, and an arrow only for subjects still being dosed.

import { describe, DESCRIBED, INK, MUTED } from '../charts.js';
import { months } from '../format.js';
import { t } from '../i18n.js';
import { responseColorEncoding } from '../responses.js';

/** Vega symbol shapes: built-ins, and a filled ✕ as an SVG path in the symbol's unit square. */
const CROSS = 'M-1,-0.7L-0.7,-1L0,-0.3L0.7,-1L1,-0.7L0.3,0L1,0.7L0.7,1L0,0.3L-0.7,1L-1,0.7L-0.3,0Z';
const EVENTS = [
  { kind: 'first response', key: 'event.response', shape: 'triangle-up', color: '#0b5cad' },
  { kind: 'progression', key: 'event.progression', shape: 'diamond', color: '#d1342f' },
  { kind: 'death', key: 'event.death', shape: CROSS, color: INK },
  { kind: 'on treatment', key: 'event.ongoing', shape: 'triangle-right', color: '#323f4b' },
];

export function swimmerRows(subjects) {
  return subjects
    .filter((s) => s.treatmentDays !== null && s.treatmentDays !== undefined)
    .map((s) => ({
      id: s.id,
      label: s.label,
      site: s.siteName,
      days: s.treatmentDays,
      followUpDays: s.followUpDay ?? s.treatmentDays,
      lastDose: s.lastDose,
      response: s.bor ?? 'NE',
      responseDay: s.firstResponseDay,
      progressionDay: s.progressionDay,
      deathDay: s.deathDay,
      ongoing: s.onTreatment,
    }))
    .sort((a, b) => b.days - a.days || a.label.localeCompare(b.label));
}

const present = (day) => day !== null && day !== undefined;

/** One marker per event a row has; "on treatment" sits just past the bar's end. */
function events(row, nudge) {
  const at = (kind, day, month = months(day)) => {
    const event = EVENTS.find((e) => e.kind === kind);
    return { label: row.label, kind: t(event.key), month, description: describe({ subject: row.label, event: kind, day }) };
  };
  return [
    present(row.responseDay) ? at('first response', row.responseDay) : null,
    present(row.progressionDay) ? at('progression', row.progressionDay) : null,
    present(row.deathDay) ? at('death', row.deathDay) : null,
    row.ongoing ? at('on treatment', null, months(row.days) + nudge) : null,
  ].filter(Boolean);
}

/** Vega-Lite spec: a bar per subject coloured by best overall response, event markers, a dotted follow-up line. */
export function swimmerSpec(rows) {
  const lastDay = Math.max(42, ...rows.flatMap((r) => [r.days, r.followUpDays ?? 0, r.deathDay ?? 0, r.progressionDay ?? 0]));
  const maxMonths = months(lastDay) * 1.05;
  const bars = rows.map((row) => ({
    ...row,
    month: months(row.days),
    description: describe({
      subject: row.label,
      resource: `ResearchSubject/${row.id}`,
      site: row.site,
      'days on treatment': row.days,
      'last dose': row.lastDose,
      'best overall response': row.response,
    }),
  }));
  const followUp = rows.filter((r) => r.followUpDays > r.days).map((r) => ({ label: r.label, from: months(r.days), to: months(r.followUpDays) }));
  const y = { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelColor: INK, ticks: false, domain: false } };
  const x = { type: 'quantitative', scale: { domain: [0, maxMonths], nice: true } };
  const kinds = EVENTS.map((e) => t(e.key));
  return {
    description: 'Time on treatment per subject, with response, progression and death',
    width: 900,
    height: { step: 24 },
    // Response colours and event symbols are separate scales; shape and colour of an event share one legend.
    resolve: { scale: { color: 'independent', shape: 'independent' } },
    layer: [
      {
        name: 'swimmer_bars',
        data: { values: bars },
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          y,
          x: { ...x, field: 'month', title: t('swimmer.axis'), axis: { grid: true, tickCount: 8 } },
          color: responseColorEncoding('response', rows.map((r) => r.response)),
          ...DESCRIBED,
        },
      },
      {
        name: 'swimmer_follow_up',
        data: { values: followUp },
        mark: { type: 'rule', color: MUTED, strokeDash: [2, 3], aria: false },
        encoding: { y, x: { ...x, field: 'from' }, x2: { field: 'to' } },
      },
      {
        name: 'swimmer_events',
        data: { values: rows.flatMap((row) => events(row, maxMonths * 0.012)) },
        mark: { type: 'point', filled: true, size: 90, stroke: '#ffffff', strokeWidth: 1, opacity: 1 },
        encoding: {
          y,
          x: { ...x, field: 'month' },
          shape: { field: 'kind', type: 'nominal', title: t('event.title'), scale: { domain: kinds, range: EVENTS.map((e) => e.shape) } },
          color: { field: 'kind', type: 'nominal', title: t('event.title'), scale: { domain: kinds, range: EVENTS.map((e) => e.color) } },
          ...DESCRIBED,
        },
      },
    ],
  };
}

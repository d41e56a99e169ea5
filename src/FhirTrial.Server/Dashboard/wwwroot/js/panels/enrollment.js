// Enrollment by site against the Simon design's stage-1 size and total target, and the interim decision.

import { describe, DESCRIBED, INK, MUTED } from '../charts.js';
import { h } from '../dom.js';
import { number, t } from '../i18n.js';
import { OTHER_SITE } from '../study-data.js';

const SITE_COLOR = '#3e7cb1';
const TOTAL_COLOR = '#1f4e79';
const TARGET_COLOR = '#d1342f';

/**
 * Subjects enrolled per site of the study (ResearchSubject -> Patient.managingOrganization), in the study's order;
 * subjects managed elsewhere are one "not a study site" row, shown only when there are any.
 */
export function enrollmentBySite(subjects, siteNames) {
  const counts = new Map([...siteNames.keys()].map((id) => [id, 0]));
  for (const subject of subjects) {
    if (!subject.enrolled) continue;
    counts.set(subject.siteId, (counts.get(subject.siteId) ?? 0) + 1);
  }
  return [...counts].map(([id, count]) => ({ id, name: siteNames.get(id) ?? (id === OTHER_SITE ? t('enrollment.otherSite') : id), count }));
}

/** Vega-Lite spec: a bar per site and one for all sites, against dashed rules at the stage-1 size and the target. */
export function enrollmentSpec(sites, { target, stage1 }) {
  const total = sites.reduce((sum, s) => sum + s.count, 0);
  const allSites = t('enrollment.allSites');
  const rows = [...sites, { id: 'total', name: allSites, count: total }].map((row) => ({
    ...row,
    color: row.id === 'total' ? TOTAL_COLOR : SITE_COLOR,
    description: describe({ site: row.name, 'site id': row.id, enrolled: row.count }),
  }));
  const markers = [
    { value: stage1, label: t('enrollment.stage1', { n: stage1 }), color: INK, description: describe({ design: 'Simon stage 1', subjects: stage1 }) },
    { value: target, label: t('enrollment.target', { n: target }), color: TARGET_COLOR, description: describe({ design: 'target', subjects: target }) },
  ];
  const x = { type: 'quantitative', scale: { domain: [0, Math.max(target, total)], nice: true } };
  const y = {
    field: 'name',
    type: 'nominal',
    sort: null,
    title: null,
    axis: {
      labelColor: INK,
      labelFontSize: 12,
      labelFontWeight: { condition: { test: `datum.value === ${JSON.stringify(allSites)}`, value: 'bold' }, value: 'normal' },
      labelPadding: 6,
      ticks: false,
    },
  };
  return {
    description: `Enrollment by site: ${total} of ${target} subjects`,
    width: 380,
    height: { step: 30 },
    layer: [
      {
        name: 'site_bars',
        data: { values: rows },
        mark: { type: 'bar', height: { band: 0.65 } },
        encoding: {
          y,
          x: { ...x, field: 'count', title: t('enrollment.axis'), axis: { tickMinStep: 1, tickCount: 7, format: 'd', grid: true } },
          color: { field: 'color', type: 'nominal', scale: null },
          ...DESCRIBED,
        },
      },
      {
        name: 'site_counts',
        data: { values: rows },
        mark: { type: 'text', align: 'left', dx: 5, fontWeight: 'bold', fontSize: 12, aria: false },
        encoding: { y, x: { ...x, field: 'count' }, text: { field: 'count' } },
      },
      {
        name: 'design_rules',
        data: { values: markers },
        mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 1.5 },
        encoding: { x: { ...x, field: 'value' }, color: { field: 'color', type: 'nominal', scale: null }, ...DESCRIBED },
      },
      {
        name: 'design_labels',
        data: { values: markers },
        mark: { type: 'text', baseline: 'bottom', dy: -4, color: MUTED, aria: false },
        encoding: { x: { ...x, field: 'value' }, y: { value: 0 }, text: { field: 'label' } },
      },
    ],
  };
}


/** The Simon two-stage status from $interim, as a definition list. */
export function simonStatus(interim, settings) {
  const n1 = settings['simon-n1'];
  const r1 = settings['simon-r1'];
  const n = settings['simon-n'];
  const r = settings['simon-r'];
  const rows = [
    [t('simon.stage'), String(interim.stage ?? '–')],
    [t('simon.stage1Evaluated'), t('simon.of', { a: interim.stage1Evaluated ?? '–', b: n1 })],
    [t('simon.stage1Responders'), t('simon.needed', { n: interim.stage1Responders ?? '–', min: r1 + 1 })],
    [t('simon.responders'), t('simon.promising', { n: interim.responders ?? '–', r, total: n })],
  ];
  const decision = interim.decision ? t(`decision.${interim.decision}`) : '';
  return h('div', { class: 'simon', 'data-testid': 'simon-status' }, [
    h('p', { class: 'decision' }, [
      t('simon.decision'),
      h('span', { class: `badge decision-${interim.decision ?? 'unknown'}`, 'data-decision': interim.decision ?? '', text: interim.decision ?? 'unknown' }),
      h('span', { class: 'muted', text: ` ${decision.startsWith('decision.') ? '' : decision}` }),
    ]),
    h('dl', {}, rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])),
    h('p', { class: 'muted small', text: t('simon.design', { alpha: fmt(interim.alpha), power: fmt(interim.power), pet: fmt(interim.pet) }) }),
  ]);
}

function fmt(value) {
  return typeof value === 'number' ? number(value, 3) : '–';
}

// Enrollment by site against the Simon design's stage-1 size and total target, and the interim decision.

import { el, plot, text, line, linear, axisBottom, niceDomain, INK, MUTED } from '../svg.js';
import { h } from '../dom.js';

const SITE_COLOR = '#3e7cb1';
const TOTAL_COLOR = '#1f4e79';

/** Subjects enrolled per site (ResearchSubject -> Patient.managingOrganization), in the order of the study's sites. */
export function enrollmentBySite(subjects, siteNames) {
  const counts = new Map([...siteNames.keys()].map((id) => [id, 0]));
  for (const subject of subjects) {
    if (!subject.enrolled) continue;
    counts.set(subject.siteId, (counts.get(subject.siteId) ?? 0) + 1);
  }
  return [...counts].map(([id, count]) => ({ id, name: siteNames.get(id) ?? (id === 'unknown' ? 'No site' : id), count }));
}

export function enrollmentPlot(sites, { target, stage1 }) {
  const total = sites.reduce((sum, s) => sum + s.count, 0);
  const rows = [...sites, { id: 'total', name: 'All sites', count: total }];
  const width = 620;
  const rowHeight = 30;
  const margin = { top: 30, right: 40, bottom: 48, left: 150 };
  const height = margin.top + rows.length * rowHeight + margin.bottom;
  const [, max] = niceDomain(0, Math.max(target, total), 7);
  const x = linear([0, max], [margin.left, width - margin.right]);

  const svg = plot(width, height, {
    title: `Enrollment by site: ${total} of ${target} subjects`,
    description: rows.map((r) => `${r.name}: ${r.count}`).join('; '),
    testId: 'enrollment-plot',
  });
  const plotBottom = margin.top + rows.length * rowHeight;
  svg.append(axisBottom(x, { y: plotBottom, values: x.ticks(7).filter(Number.isInteger), label: 'Subjects enrolled', gridTop: margin.top }));

  rows.forEach((row, i) => {
    const y = margin.top + i * rowHeight;
    const isTotal = row.id === 'total';
    const g = el('g', { class: 'site', 'data-site': row.id, 'data-count': row.count });
    g.append(text(margin.left - 10, y + rowHeight / 2 + 4, row.name, { 'text-anchor': 'end', 'font-weight': isTotal ? 700 : 400 }));
    g.append(
      el('rect', {
        x: x(0),
        y: y + 5,
        width: Math.max(0, x(row.count) - x(0)),
        height: rowHeight - 10,
        rx: 2,
        fill: isTotal ? TOTAL_COLOR : SITE_COLOR,
      }, el('title', {}, `${row.name}: ${row.count} enrolled`)),
    );
    g.append(text(x(row.count) + 5, y + rowHeight / 2 + 4, row.count, { class: 'count', 'font-weight': 700 }));
    svg.append(g);
  });

  for (const [value, label] of [[stage1, `Stage 1 (${stage1})`], [target, `Target (${target})`]]) {
    const xv = x(value);
    svg.append(line(xv, margin.top - 6, xv, plotBottom, { stroke: value === target ? '#d1342f' : INK, 'stroke-dasharray': '5 3', 'stroke-width': 1.5 }));
    svg.append(text(xv, margin.top - 10, label, { 'text-anchor': 'middle', 'font-size': 11, fill: MUTED, 'data-marker': label }));
  }
  return svg;
}

const DECISIONS = {
  pending: 'Pending: stage 1 still accruing or awaiting confirmed responses',
  continue: 'Continue to stage 2',
  stop: 'Stop for futility after stage 1',
  promising: 'Promising: more responses than the design requires',
  'not-promising': 'Not promising at the final analysis',
};

/** The Simon two-stage status from $interim, as a definition list. */
export function simonStatus(interim, settings) {
  const n1 = settings['simon-n1'];
  const r1 = settings['simon-r1'];
  const n = settings['simon-n'];
  const r = settings['simon-r'];
  const rows = [
    ['Stage', String(interim.stage ?? '–')],
    ['Stage 1 evaluated', `${interim.stage1Evaluated ?? '–'} of ${n1}`],
    ['Stage 1 responders', `${interim.stage1Responders ?? '–'} (at least ${r1 + 1} needed to continue)`],
    ['Responders overall', `${interim.responders ?? '–'} (more than ${r} of ${n} is promising)`],
  ];
  return h('div', { class: 'simon', 'data-testid': 'simon-status' }, [
    h('p', { class: 'decision' }, [
      'Decision: ',
      h('span', { class: `badge decision-${interim.decision ?? 'unknown'}`, 'data-decision': interim.decision ?? '', text: interim.decision ?? 'unknown' }),
      h('span', { class: 'muted', text: ` ${DECISIONS[interim.decision] ?? ''}` }),
    ]),
    h('dl', {}, rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])),
    h('p', { class: 'muted small', text: `Design: α = ${fmt(interim.alpha)}, power = ${fmt(interim.power)}, early-stop probability under p0 = ${fmt(interim.pet)}` }),
  ]);
}

function fmt(value) {
  return typeof value === 'number' ? value.toFixed(3) : '–';
}

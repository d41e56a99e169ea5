// Eligibility screening: $eligibility for patients not (yet) on the study, or for all patients, with the criteria
// each one does not meet and those the data cannot decide.

import { mapLimit } from '../fhir-client.js';
import { readParameters } from '../parameters.js';
import { humanName } from '../format.js';
import { refId } from '../study-data.js';
import { h } from '../dom.js';
import { number, t } from '../i18n.js';

/** How many patients one screening run evaluates at most (each is one $eligibility call). */
export const SCREENING_LIMIT = 200;

export const CRITERIA = {
  'age-18': 'Age ≥ 18',
  ccrcc: 'Clear cell RCC',
  'prior-io-progression': 'Progression on prior immunotherapy',
  'measurable-disease': 'Measurable disease (RECIST)',
  'ecog-0-1': 'ECOG 0–1',
  anc: 'ANC ≥ 1.5 ×10⁹/L',
  platelets: 'Platelets ≥ 100 ×10⁹/L',
  hemoglobin: 'Hemoglobin ≥ 90 g/L',
  bilirubin: 'Bilirubin ≤ 1.5 × ULN',
  transaminases: 'ALT and AST ≤ 2.5 × ULN',
  'blood-pressure': 'BP ≤ 150/90 mmHg',
  'no-prior-lenvatinib': 'No prior lenvatinib',
};

export function criterionLabel(id) {
  return CRITERIA[id] ?? id;
}

/** Patients to screen: all, or those without a ResearchSubject of the study. */
export async function screeningCandidates(client, enrolledPatientIds, scope) {
  const patients = await client.searchAll('Patient', {}, { max: SCREENING_LIMIT, pageSize: 100 });
  const chosen = patients.filter((p) => p.resourceType === 'Patient' && (scope === 'all' || !enrolledPatientIds.has(p.id)));
  return { patients: chosen.slice(0, SCREENING_LIMIT), truncated: patients.truncated || chosen.length > SCREENING_LIMIT };
}

export async function screen(client, patients, { studyId, date }) {
  return mapLimit(patients, 4, async (patient) => {
    try {
      const parameters = await client.operation(`Patient/${encodeURIComponent(patient.id)}/$eligibility`, {
        study: `ResearchStudy/${studyId}`,
        date: date || undefined,
      });
      const result = readParameters(parameters);
      const criteria = result.criterion ?? [];
      const ids = (status) => criteria.filter((c) => c.status === status).map((c) => c.id);
      return {
        patient,
        outcome: result.outcome ?? 'undetermined',
        notMet: ids('not-met'),
        unknown: ids('unknown'),
        met: ids('met'),
        // The server may explain each verdict in a `reason` part; shown as a tooltip.
        reasons: new Map(criteria.filter((c) => c.reason).map((c) => [c.id, c.reason])),
      };
    } catch (error) {
      return { patient, outcome: 'error', error: error.message, notMet: [], unknown: [], met: [], reasons: new Map() };
    }
  });
}

function criteriaList(ids, kind, reasons) {
  if (!ids.length) return h('span', { class: 'muted', text: '–' });
  return h('ul', { class: `criteria ${kind}` }, ids.map((id) =>
    h('li', { 'data-criterion': id, title: reasons.get(id) ? `${id}: ${reasons.get(id)}` : id, text: criterionLabel(id) })));
}

export function screeningSummary(results) {
  const count = (outcome) => results.filter((r) => r.outcome === outcome).length;
  const tallies = new Map();
  for (const r of results) for (const id of r.notMet) tallies.set(id, (tallies.get(id) ?? 0) + 1);
  const common = [...tallies].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([id, n]) => `${criterionLabel(id)} (${n})`);
  return h('p', { class: 'screening-summary', 'data-testid': 'eligibility-summary' }, [
    t('eligibility.summary', { n: number(results.length) }),
    h('span', { class: 'badge outcome-eligible', 'data-outcome': 'eligible', text: t('eligibility.eligible', { n: number(count('eligible')) }) }), ' ',
    h('span', { class: 'badge outcome-ineligible', 'data-outcome': 'ineligible', text: t('eligibility.ineligible', { n: number(count('ineligible')) }) }), ' ',
    h('span', { class: 'badge outcome-undetermined', 'data-outcome': 'undetermined', text: t('eligibility.undetermined', { n: number(count('undetermined')) }) }),
    common.length ? t('eligibility.common', { list: common.join(', ') }) : '',
  ]);
}

export function screeningTable(results, siteNames) {
  const order = { eligible: 0, undetermined: 1, ineligible: 2, error: 3 };
  const rows = [...results].sort((a, b) => order[a.outcome] - order[b.outcome] || a.patient.id.localeCompare(b.patient.id));
  return h('table', { class: 'data', 'data-testid': 'eligibility-table' }, [
    h('thead', {}, h('tr', {}, ['eligibility.patient', 'eligibility.site', 'eligibility.outcome', 'eligibility.notMet', 'eligibility.unknown'].map((key) => h('th', { scope: 'col', text: t(key) })))),
    h('tbody', {}, rows.length
      ? rows.map((r) => {
        const site = refId(r.patient.managingOrganization?.reference, 'Organization');
        const mrn = r.patient.identifier?.[0]?.value;
        return h('tr', { 'data-patient': r.patient.id, 'data-outcome': r.outcome }, [
          h('th', { scope: 'row' }, [humanName(r.patient) || r.patient.id, mrn ? h('span', { class: 'muted small', text: ` ${mrn}` }) : null]),
          h('td', { text: site ? siteNames.get(site) ?? site : '–' }),
          h('td', {}, h('span', { class: `badge outcome-${r.outcome}`, text: r.outcome, title: r.error ?? '' })),
          h('td', {}, criteriaList(r.notMet, 'not-met', r.reasons)),
          h('td', {}, criteriaList(r.unknown, 'unknown', r.reasons)),
        ]);
      })
      : h('tr', {}, h('td', { colspan: 5, class: 'muted', text: t('eligibility.noPatients') }))),
  ]);
}

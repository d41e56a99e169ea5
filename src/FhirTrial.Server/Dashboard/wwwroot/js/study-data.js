// Gathers what the dashboard shows, through the FHIR API and the trial operations only.

import { mapLimit } from './fhir-client.js';
import { readParameters } from './parameters.js';
import { daysBetween } from './format.js';

export const STUDY_SETTING_URL = 'http://fhirtrial.example.org/fhir/StructureDefinition/study-setting';
export const STUDY_DRUG_SYSTEM = 'http://fhirtrial.example.org/fhir/CodeSystem/study-drug';
export const STUDY_DRUGS = new Set(['lenvatinib', 'cadonilimab']);

/** ResearchSubject statuses before enrollment: such subjects are shown as in screening, not enrolled. */
const NOT_YET_ENROLLED = new Set(['candidate', 'eligible', 'ineligible', 'not-registered', 'potential-candidate', 'screening', 'pending-on-study']);
const ONGOING = new Set(['on-study', 'on-study-intervention']);

/** Requests in flight at once: the server shares two cores with everything else. */
const CONCURRENCY = 4;

export async function loadStudy(client, studyId) {
  const studyRef = `ResearchStudy/${studyId}`;
  const study = await client.read('ResearchStudy', studyId);
  const settings = readSettings(study);

  const [organizations, subjectBundle] = await Promise.all([
    client.searchAll('Organization', {}, { max: 1000 }),
    client.searchAll('ResearchSubject', { study: studyRef, _include: 'ResearchSubject:individual' }),
  ]);
  // Sites in the study's order, by their short Location names; then any other Organization by its name.
  const siteNames = new Map();
  const locations = new Map((study.contained ?? []).filter((r) => r.resourceType === 'Location').map((l) => [`#${l.id}`, l]));
  for (const site of study.site ?? []) {
    const location = locations.get(site.reference);
    const org = refId(location?.managingOrganization?.reference, 'Organization');
    if (org) siteNames.set(org, location.name ?? site.display ?? org);
  }
  for (const o of organizations) if (!siteNames.has(o.id)) siteNames.set(o.id, o.name ?? o.id);

  const patients = new Map(subjectBundle.filter((r) => r.resourceType === 'Patient').map((p) => [p.id, p]));
  const subjects = subjectBundle
    .filter((r) => r.resourceType === 'ResearchSubject')
    .map((rs) => {
      const patientId = refId(rs.individual?.reference, 'Patient');
      const patient = patients.get(patientId);
      const siteId = refId(patient?.managingOrganization?.reference, 'Organization');
      return {
        id: rs.id,
        label: rs.identifier?.[0]?.value ?? rs.id,
        status: rs.status,
        enrolled: !NOT_YET_ENROLLED.has(rs.status),
        ongoing: ONGOING.has(rs.status),
        enrollmentDate: rs.period?.start ?? null,
        patientId,
        patient,
        siteId: siteId ?? 'unknown',
        siteName: siteId ? siteNames.get(siteId) ?? siteId : 'No site',
        deathDate: patient?.deceasedDateTime ?? null,
        deceased: Boolean(patient?.deceasedDateTime || patient?.deceasedBoolean),
      };
    })
    .sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));

  await Promise.all([addDosing(client, subjects), addRecist(client, subjects)]);
  for (const subject of subjects) deriveTimeline(subject);

  return { studyId, study, settings, siteNames, subjects };
}

/** The study operations, each on its own so one failure does not hide the others. */
export function loadOperations(client, studyId) {
  const run = (name) => {
    const result = client.operation(`ResearchStudy/${encodeURIComponent(studyId)}/$${name}`).then(readParameters);
    result.catch(() => {}); // reported by the panel that awaits it
    return result;
  };
  return { efficacy: run('efficacy'), interim: run('interim'), safety: run('safety') };
}

/** Simon design and other settings kept as study-setting extensions on the ResearchStudy, with the contract's defaults. */
export function readSettings(study) {
  const settings = { 'simon-n1': 12, 'simon-r1': 1, 'simon-n': 28, 'simon-r': 5 };
  for (const ext of study.extension ?? []) {
    if (ext.url !== STUDY_SETTING_URL) continue;
    const code = ext.extension?.find((e) => e.url === 'code')?.valueCode;
    const value = ext.extension?.find((e) => e.url === 'value');
    const number = value?.valueInteger ?? value?.valueDecimal ?? value?.valueQuantity?.value;
    if (code && typeof number === 'number') settings[code] = number;
  }
  return settings;
}

/** First and last completed study-drug administration per subject (searched in chunks of patients). */
async function addDosing(client, subjects) {
  const byPatient = new Map();
  const ids = [...new Set(subjects.map((s) => s.patientId).filter(Boolean))];
  const chunks = [];
  for (let i = 0; i < ids.length; i += 25) chunks.push(ids.slice(i, i + 25));
  await mapLimit(chunks, CONCURRENCY, async (chunk) => {
    const administrations = await client.searchAll('MedicationAdministration', {
      subject: chunk.map((id) => `Patient/${id}`).join(','),
      status: 'completed',
    });
    for (const ma of administrations) {
      if (ma.resourceType !== 'MedicationAdministration' || !isStudyDrug(ma)) continue;
      const date = ma.effectiveDateTime ?? ma.effectivePeriod?.start;
      const patientId = refId(ma.subject?.reference, 'Patient');
      if (!date || !patientId) continue;
      const list = byPatient.get(patientId) ?? [];
      list.push(date.slice(0, 10));
      byPatient.set(patientId, list);
    }
  });
  for (const subject of subjects) {
    const dates = (byPatient.get(subject.patientId) ?? []).sort();
    subject.doses = dates.length;
    subject.firstDose = dates[0] ?? null;
    subject.lastDose = dates.at(-1) ?? null;
  }
}

function isStudyDrug(ma) {
  const ref = refId(ma.medicationReference?.reference, 'Medication');
  if (ref && STUDY_DRUGS.has(ref)) return true;
  return (ma.medicationCodeableConcept?.coding ?? []).some((c) => c.system === STUDY_DRUG_SYSTEM && STUDY_DRUGS.has(c.code));
}

/** $recist-response of every treated subject. */
async function addRecist(client, subjects) {
  await mapLimit(subjects, CONCURRENCY, async (subject) => {
    if (!subject.enrolled) return;
    try {
      const parameters = await client.operation(`ResearchSubject/${encodeURIComponent(subject.id)}/$recist-response`);
      subject.recist = readParameters(parameters);
    } catch (error) {
      subject.recist = null;
      subject.recistError = error.message;
    }
  });
}

/** Days from first dose to each event, the best % change and the best overall response. */
function deriveTimeline(subject) {
  const recist = subject.recist;
  const timepoints = recist?.timepoint ?? [];
  const changes = timepoints.map((t) => t.changeFromBaseline).filter((v) => typeof v === 'number');
  subject.bestChange = changes.length ? Math.min(...changes) : null;
  subject.bor = recist?.bestOverallResponse ?? null;
  const lastAssessment = timepoints.map((t) => t.date).filter(Boolean).sort().at(-1) ?? null;
  subject.lastAssessment = lastAssessment;

  const from = subject.firstDose;
  const day = (date) => (from && date ? daysBetween(from, date) : null);
  subject.lastDoseDay = day(subject.lastDose);
  subject.lastAssessmentDay = day(lastAssessment);
  subject.treatmentDays = from ? Math.max(subject.lastDoseDay ?? 0, subject.lastAssessmentDay ?? 0) : null;
  subject.firstResponseDay = day(recist?.firstResponseDate);
  subject.progressionDay = day(recist?.progressionDate);
  subject.deathDay = day(subject.deathDate);
}

export function refId(reference, type) {
  if (typeof reference !== 'string') return null;
  const parts = reference.split('/');
  const i = parts.lastIndexOf(type);
  return i >= 0 && parts[i + 1] ? parts[i + 1] : null;
}

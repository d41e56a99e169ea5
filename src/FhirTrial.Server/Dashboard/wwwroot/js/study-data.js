// Gathers what the dashboard shows, through the FHIR API and the trial operations only.

import { mapLimit } from './fhir-client.js';
import { readParameters } from './parameters.js';
import { daysBetween } from './format.js';
import { t } from './i18n.js';

export const STUDY_SETTING_URL = 'http://fhirtrial.example.org/fhir/StructureDefinition/study-setting';
export const STUDY_DRUG_SYSTEM = 'http://fhirtrial.example.org/fhir/CodeSystem/study-drug';
export const STUDY_DRUGS = new Set(['lenvatinib', 'cadonilimab']);

/** ResearchSubject statuses before enrollment: such subjects are shown as in screening, not enrolled. */
const NOT_YET_ENROLLED = new Set(['candidate', 'eligible', 'ineligible', 'not-registered', 'potential-candidate', 'screening', 'pending-on-study']);
const ONGOING = new Set(['on-study', 'on-study-intervention']);

/** Requests in flight at once: the server shares two cores with everything else. */
const CONCURRENCY = 4;

/** A subject whose last study-drug dose is at most this many days before the cut-off is still on treatment (two cycles). */
export const ON_TREATMENT_DAYS = 42;

/** Site id of subjects whose Patient is managed by an Organization that is none of the study's sites. */
export const OTHER_SITE = 'other';

/** Questionnaire responses scored for the quality-of-life panel at most (each is one $score call). */
export const QOL_LIMIT = 300;

/**
 * Everything the subject panels need, as of `cutoff` (YYYY-MM-DD): data dated after it is left out, as the trial
 * operations do with the same cut-off (docs/adr/0006).
 */
export async function loadStudy(client, studyId, cutoff) {
  const studyRef = `ResearchStudy/${studyId}`;
  const study = await client.read('ResearchStudy', studyId);
  const settings = readSettings(study);

  const subjectBundle = await client.searchAll('ResearchSubject', { study: studyRef, _include: 'ResearchSubject:individual' });
  const siteNames = studySites(study);

  const patients = new Map(subjectBundle.filter((r) => r.resourceType === 'Patient').map((p) => [p.id, p]));
  const subjects = subjectBundle
    .filter((r) => r.resourceType === 'ResearchSubject')
    .map((rs) => {
      const patientId = refId(rs.individual?.reference, 'Patient');
      const patient = patients.get(patientId);
      const organization = refId(patient?.managingOrganization?.reference, 'Organization');
      const siteId = organization && siteNames.has(organization) ? organization : OTHER_SITE;
      const deathDate = patient?.deceasedDateTime && patient.deceasedDateTime.slice(0, 10) <= cutoff ? patient.deceasedDateTime : null;
      return {
        id: rs.id,
        label: rs.identifier?.[0]?.value ?? rs.id,
        status: rs.status,
        enrolled: !NOT_YET_ENROLLED.has(rs.status),
        ongoing: ONGOING.has(rs.status),
        enrollmentDate: rs.period?.start ?? null,
        patientId,
        patient,
        siteId,
        siteName: siteNames.get(siteId) ?? t('enrollment.otherSite'),
        deathDate,
        deceased: Boolean(deathDate || (patient?.deceasedBoolean && !patient?.deceasedDateTime)),
      };
    })
    .sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));

  await Promise.all([addDosing(client, subjects, cutoff), addRecist(client, subjects, cutoff)]);
  for (const subject of subjects) deriveTimeline(subject, cutoff);

  return { studyId, study, settings, siteNames, subjects, cutoff };
}

/**
 * The study's own sites (ResearchStudy.site: contained Locations and their managing Organizations), in the study's
 * order, by their short names. Organizations on the server that are not the study's sites are not listed.
 */
export function studySites(study) {
  const siteNames = new Map();
  const locations = new Map((study.contained ?? []).filter((r) => r.resourceType === 'Location').map((l) => [`#${l.id}`, l]));
  for (const site of study.site ?? []) {
    const location = locations.get(site.reference);
    const org = refId(location?.managingOrganization?.reference, 'Organization') ?? refId(site.reference, 'Organization');
    if (org) siteNames.set(org, location?.name ?? site.display ?? org);
  }
  return siteNames;
}

/** The study operations at the cut-off, each on its own so one failure does not hide the others. */
export function loadOperations(client, studyId, cutoff) {
  const run = (name) => {
    const result = client.operation(`ResearchStudy/${encodeURIComponent(studyId)}/$${name}`, { cutoff }).then(readParameters);
    result.catch(() => {}); // reported by the panel that awaits it
    return result;
  };
  return { efficacy: run('efficacy'), interim: run('interim'), safety: run('safety') };
}

/** $protocol-deviations of every enrolled subject at the cut-off; a subject whose call fails carries `error`. */
export async function loadDeviations(client, subjects, cutoff) {
  return mapLimit(subjects.filter((s) => s.enrolled), CONCURRENCY, async (subject) => {
    try {
      const result = readParameters(await client.operation(`ResearchSubject/${encodeURIComponent(subject.id)}/$protocol-deviations`, { cutoff }));
      return { subject, deviations: result.deviation ?? [] };
    } catch (error) {
      return { subject, deviations: [], error: error.message };
    }
  });
}

/**
 * The EORTC scale scores of the subjects' questionnaire responses authored on or before the cut-off ($score, not
 * stored), each with its day since the subject's first dose.
 */
export async function loadQualityOfLife(client, subjects, cutoff) {
  const byPatient = new Map(subjects.filter((s) => s.patientId).map((s) => [s.patientId, s]));
  const responses = [];
  for (const chunk of chunks([...byPatient.keys()], 25)) {
    const found = await client.searchAll('QuestionnaireResponse', { subject: chunk.map((id) => `Patient/${id}`).join(','), status: 'completed' }, { max: QOL_LIMIT });
    for (const qr of found) {
      const authored = qr.authored?.slice(0, 10);
      if (qr.resourceType === 'QuestionnaireResponse' && authored && authored <= cutoff) responses.push(qr);
    }
  }
  const scored = await mapLimit(responses.slice(0, QOL_LIMIT), CONCURRENCY, async (qr) => {
    const subject = byPatient.get(refId(qr.subject?.reference, 'Patient'));
    try {
      const scores = readParameters(await client.operation(`QuestionnaireResponse/${encodeURIComponent(qr.id)}/$score`));
      const scales = Object.entries(scores).filter(([name, value]) => typeof value === 'number' && name !== 'itemsAnswered');
      return { subject, day: subject?.firstDose ? daysBetween(subject.firstDose, qr.authored) : null, questionnaire: scores.questionnaire, scales };
    } catch {
      return null; // a response that cannot be scored is left out
    }
  });
  return { scored: scored.filter(Boolean), truncated: responses.length > QOL_LIMIT };
}

function chunks(items, size) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
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

/** First and last completed study-drug administration on or before the cut-off per subject (searched in chunks of patients). */
async function addDosing(client, subjects, cutoff) {
  const byPatient = new Map();
  const ids = [...new Set(subjects.map((s) => s.patientId).filter(Boolean))];
  await mapLimit(chunks(ids, 25), CONCURRENCY, async (chunk) => {
    const administrations = await client.searchAll('MedicationAdministration', {
      subject: chunk.map((id) => `Patient/${id}`).join(','),
      status: 'completed',
    });
    for (const ma of administrations) {
      if (ma.resourceType !== 'MedicationAdministration' || !isStudyDrug(ma)) continue;
      const date = ma.effectiveDateTime ?? ma.effectivePeriod?.start;
      const patientId = refId(ma.subject?.reference, 'Patient');
      if (!date || !patientId || date.slice(0, 10) > cutoff) continue;
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

/** $recist-response of every treated subject at the cut-off. */
async function addRecist(client, subjects, cutoff) {
  await mapLimit(subjects, CONCURRENCY, async (subject) => {
    if (!subject.enrolled) return;
    try {
      const parameters = await client.operation(`ResearchSubject/${encodeURIComponent(subject.id)}/$recist-response`, { cutoff });
      subject.recist = readParameters(parameters);
    } catch (error) {
      subject.recist = null;
      subject.recistError = error.message;
    }
  });
}

/**
 * Days from first dose to each event, the best % change and the best overall response. Time on treatment runs from
 * the first to the last dose (never past the cut-off); a subject is still on treatment only while on study with a
 * dose within ON_TREATMENT_DAYS of the cut-off, so a stale "on-study" status does not draw an arrow years later.
 */
function deriveTimeline(subject, cutoff) {
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
  subject.treatmentDays = from ? subject.lastDoseDay ?? 0 : null;
  subject.firstResponseDay = day(recist?.firstResponseDate);
  subject.progressionDay = day(recist?.progressionDate);
  subject.deathDay = day(subject.deathDate);
  subject.followUpDay = from ? Math.max(subject.lastAssessmentDay ?? 0, subject.deathDay ?? 0, subject.progressionDay ?? 0) : null;
  // PD called on a time point that saw a new lesion (RECIST 1.1, 4.3.2), for the waterfall's marker.
  subject.newLesionProgression = timepoints.some((tp) => tp.overallResponse === 'PD' && tp.newLesion === true);
  subject.onTreatment = Boolean(subject.ongoing && !subject.deceased && subject.progressionDay === null && subject.lastDose
    && daysBetween(subject.lastDose, cutoff) <= ON_TREATMENT_DAYS);
}

export function refId(reference, type) {
  if (typeof reference !== 'string') return null;
  const parts = reference.split('/');
  const i = parts.lastIndexOf(type);
  return i >= 0 && parts[i + 1] ? parts[i + 1] : null;
}

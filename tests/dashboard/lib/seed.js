// A small study with known answers, pushed through the FHIR API as one transaction (CONTRACT.md section 3 shapes).
//
//  subject  site       first dose   scans (sum of target diameters, mm)           best response  notes
//  DT-01    renji      2024-01-10   base 80, d42 48 (-40%), d84 44 (-45%)         PR (confirmed) on study, doses to d105
//  DT-02    renji      2024-01-15   base 40, d42 52 (+30%)                        PD             off study, doses d0 d21
//  DT-03    zhongshan  2024-02-01   base 60, d42 54 (-10%), d84 57 (-5%)          SD             off study, doses to d84
//  DT-04    zhongshan  2024-01-20   base 70, d42 68 (-2.9%), died 2024-04-09 d80  SD             off study, doses to d63
//  DT-05    ruijin     2024-04-01   base 35, no follow-up scan yet                NE             on study, doses d0 d21
//  two patients off study for screening: a 15-year-old (ineligible: age-18 and more) and an adult with ccRCC that
//  progressed on immunotherapy and a measurable lesion, but no labs, ECOG or blood pressure (undetermined).

export const STUDY = 'ResearchStudy/ak104-rcc-2l';
const CANON = 'http://fhirtrial.example.org/fhir';
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const MEDDRA = 'http://terminology.hl7.org/CodeSystem/mdr';

const DAY = 86_400_000;
export function addDays(date, days) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

const SUBJECTS = [
  {
    n: '01', site: 'renji', status: 'on-study', firstDose: '2024-01-10', birth: '1961-03-02',
    lesions: { T1: [50, 30, 26], T2: [30, 18, 18] }, scanDays: [-7, 42, 84], doseDays: [0, 21, 42, 63, 84, 105],
  },
  {
    n: '02', site: 'renji', status: 'off-study', firstDose: '2024-01-15', birth: '1958-07-19',
    lesions: { T1: [40, 52] }, scanDays: [-5, 42], doseDays: [0, 21],
  },
  {
    n: '03', site: 'zhongshan', status: 'off-study', firstDose: '2024-02-01', birth: '1966-11-30',
    lesions: { T1: [60, 54, 57] }, scanDays: [-7, 42, 84], doseDays: [0, 21, 42, 63, 84],
  },
  {
    n: '04', site: 'zhongshan', status: 'off-study', firstDose: '2024-01-20', birth: '1955-01-08', died: '2024-04-09',
    lesions: { T1: [45, 44], T2: [25, 24] }, scanDays: [-5, 42], doseDays: [0, 21, 42, 63],
  },
  {
    n: '05', site: 'ruijin', status: 'on-study', firstDose: '2024-04-01', birth: '1970-05-21',
    lesions: { T1: [35] }, scanDays: [-4], doseDays: [0, 21],
  },
];

const ADVERSE_EVENTS = [
  { n: '01', day: 30, code: '10020772', display: 'Hypertension', grade: 3, related: true },
  { n: '01', day: 50, code: '10016256', display: 'Fatigue', grade: 1, related: true },
  { n: '02', day: 10, code: '10020772', display: 'Hypertension', grade: 2, related: true },
  { n: '03', day: 20, code: '10012735', display: 'Diarrhoea', grade: 2 },
  { n: '04', day: 80, code: '10055798', display: 'Haemorrhage', grade: 5, serious: true, related: false },
];

/** What the dashboard must show for this data (worked out by hand from CONTRACT.md section 4). */
export const EXPECTED = {
  enrollment: { renji: 2, zhongshan: 2, ruijin: 1, total: 5 },
  // Largest increase first.
  waterfall: [
    { subject: 'dt-rs02', label: 'DT-02', value: '30.0', text: '+30.0%', response: 'PD' },
    { subject: 'dt-rs04', label: 'DT-04', value: '-2.9', text: '\u22122.9%', response: 'SD' },
    { subject: 'dt-rs03', label: 'DT-03', value: '-10.0', text: '\u221210.0%', response: 'SD' },
    { subject: 'dt-rs01', label: 'DT-01', value: '-45.0', text: '\u221245.0%', response: 'PR' },
  ],
  swimmer: {
    'dt-rs01': { days: 105, response: 'PR', responseDay: 42, progressionDay: null, deathDay: null, ongoing: true },
    'dt-rs02': { days: 21, response: 'PD', responseDay: null, progressionDay: 42, deathDay: null, ongoing: false },
    'dt-rs03': { days: 84, response: 'SD', responseDay: null, progressionDay: null, deathDay: null, ongoing: false },
    'dt-rs04': { days: 63, response: 'SD', responseDay: null, progressionDay: null, deathDay: 80, ongoing: false },
    'dt-rs05': { days: 21, response: 'NE', responseDay: null, progressionDay: null, deathDay: null, ongoing: true },
  },
  // PFS: DT-05 censored d0, DT-02 event d42, DT-04 death d80, DT-01 and DT-03 censored d84.
  // OS: censored at the last date known alive (d21, d42, d84, d105), DT-04 death d80.
  // Numbers at risk at 0, 1, 2, 3 (and 4) months.
  pfsAtRisk: [5, 4, 3, 0],
  pfsMedian: 80,
  osAtRisk: [5, 4, 3, 1, 0],
  efficacy: { treated: '5', evaluable: '5', responders: '1', orr: '20.0%', dcr: '60.0%' },
  bor: { PR: 1, SD: 2, PD: 1, NE: 1 },
  safety: {
    subjects: 5,
    grade5Ae: 1,
    terms: {
      10020772: { subjects: '2 (40%)', grade3: '1 (20%)', maxGrade: '3' },
      10016256: { subjects: '1 (20%)', grade3: '0 (0%)', maxGrade: '1' },
      10012735: { subjects: '1 (20%)', grade3: '0 (0%)', maxGrade: '2' },
      10055798: { subjects: '1 (20%)', grade3: '1 (20%)', maxGrade: '5' },
    },
  },
  eligibilityDate: '2024-01-05',
  // After every seeded date: the same answers as without a cut-off, but DT-01 (last dose 2024-04-24) and DT-05
  // (2024-04-22) are still on treatment at it; "today" (years later) nobody is.
  cutoff: '2024-05-01',
  // Before DT-05's first dose (2024-04-01) and DT-04's death (2024-04-09): four treated subjects, no death.
  earlyCutoff: '2024-03-01',
  eligibility: {
    'dt-p90': { outcome: 'ineligible', notMet: ['age-18'] },
    'dt-p91': { outcome: 'undetermined' },
  },
};

function put(resource) {
  return { fullUrl: `${resource.resourceType}/${resource.id}`, resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } };
}

function post(resource) {
  return { resource, request: { method: 'POST', url: resource.resourceType } };
}

function patient(id, site, birthDate, { died, name, mrn } = {}) {
  return {
    resourceType: 'Patient',
    id,
    identifier: [{ system: `http://${site}.example.org/mrn`, value: mrn ?? id.toUpperCase() }],
    name: [{ family: name?.[1] ?? 'Test', given: [name?.[0] ?? id] }],
    gender: 'male',
    birthDate,
    managingOrganization: { reference: `Organization/${site}` },
    ...(died ? { deceasedDateTime: died } : {}),
  };
}

function lesion(id, patientId, name) {
  return {
    resourceType: 'BodyStructure',
    id,
    extension: [
      { url: `${CANON}/StructureDefinition/recist-lesion-role`, valueCode: 'target' },
      { url: `${CANON}/StructureDefinition/recist-lymph-node`, valueBoolean: false },
    ],
    identifier: [{ value: name }],
    location: { coding: [{ system: 'http://snomed.info/sct', code: '64033007', display: 'Kidney structure' }] },
    patient: { reference: `Patient/${patientId}` },
  };
}

function size(patientId, lesionId, date, mm) {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: LOINC, code: '21889-1', display: 'Size Tumor' }] },
    subject: { reference: `Patient/${patientId}` },
    focus: [{ reference: `BodyStructure/${lesionId}` }],
    effectiveDateTime: date,
    valueQuantity: { value: mm, unit: 'mm', system: UCUM, code: 'mm' },
  };
}

function dose(patientId, drug, date, mg) {
  return {
    resourceType: 'MedicationAdministration',
    status: 'completed',
    medicationReference: { reference: `Medication/${drug}` },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: date,
    dosage: { dose: { value: mg, unit: 'mg', system: UCUM, code: 'mg' } },
  };
}

function adverseEvent(patientId, ae, date) {
  const event = {
    resourceType: 'AdverseEvent',
    extension: [{ url: `${CANON}/StructureDefinition/ctcae-grade`, valueInteger: ae.grade }],
    actuality: 'actual',
    event: { coding: [{ system: MEDDRA, code: ae.code, display: ae.display }] },
    subject: { reference: `Patient/${patientId}` },
    date,
    seriousness: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-seriousness', code: ae.serious ? 'serious' : 'non-serious' }],
    },
  };
  if (ae.related !== undefined) {
    event.suspectEntity = [{
      instance: { reference: 'Medication/lenvatinib' },
      causality: [{ assessment: { coding: [{ system: `${CANON}/CodeSystem/causality`, code: ae.related ? 'related' : 'not-related' }] } }],
    }];
  }
  return event;
}

/** ccRCC that progressed on nivolumab, one measurable lesion; no labs, ECOG or blood pressure: undetermined. */
function screeningHistory(patientId) {
  const subject = { reference: `Patient/${patientId}` };
  return [
    post({
      resourceType: 'Condition',
      subject,
      code: { coding: [{ system: 'http://snomed.info/sct', code: '254915003', display: 'Clear cell carcinoma of kidney' }] },
      recordedDate: '2022-11-01',
    }),
    post({
      resourceType: 'MedicationStatement',
      status: 'completed',
      subject,
      medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L01FF01', display: 'nivolumab' }] },
      effectivePeriod: { start: '2023-01-10', end: '2023-10-01' },
    }),
    post({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: LOINC, code: '97509-4', display: 'Cancer disease progression' }] },
      subject,
      effectiveDateTime: '2023-10-01',
      valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '271299001', display: 'Patient condition worsened' }] },
    }),
    put(lesion(`${patientId}-t1`, patientId, 'T1')),
    post(size(patientId, `${patientId}-t1`, '2024-01-02', 32)),
  ];
}

export function studyBundle() {
  const entries = [];
  for (const s of SUBJECTS) {
    const patientId = `dt-p${s.n}`;
    entries.push(put(patient(patientId, s.site, s.birth, { died: s.died, name: ['Subject', s.n], mrn: `MRN-${s.n}` })));
    entries.push(put({
      resourceType: 'ResearchSubject',
      id: `dt-rs${s.n}`,
      identifier: [{ system: `${CANON}/subject`, value: `DT-${s.n}` }],
      status: s.status,
      period: { start: addDays(s.firstDose, -2) },
      study: { reference: STUDY },
      individual: { reference: `Patient/${patientId}` },
    }));
    for (const [name, sizes] of Object.entries(s.lesions)) {
      const lesionId = `dt${s.n}-${name.toLowerCase()}`;
      entries.push(put(lesion(lesionId, patientId, name)));
      sizes.forEach((mm, i) => entries.push(post(size(patientId, lesionId, addDays(s.firstDose, s.scanDays[i]), mm))));
    }
    for (const day of s.doseDays) {
      entries.push(post(dose(patientId, 'cadonilimab', addDays(s.firstDose, day), 700)));
    }
    entries.push(post(dose(patientId, 'lenvatinib', s.firstDose, 12)));
  }
  for (const ae of ADVERSE_EVENTS) {
    const s = SUBJECTS.find((x) => x.n === ae.n);
    entries.push(post(adverseEvent(`dt-p${ae.n}`, ae, addDays(s.firstDose, ae.day))));
  }
  entries.push(...screeningEntries());
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

/** Not on the study: two patients for the eligibility panel to screen. */
export function screeningEntries() {
  return [
    put(patient('dt-p90', 'renji', '2008-02-01', { name: ['Young', 'Candidate'], mrn: 'MRN-90' })),
    put(patient('dt-p91', 'ruijin', '1960-09-09', { name: ['Adult', 'Candidate'], mrn: 'MRN-91' })),
    ...screeningHistory('dt-p91'),
  ];
}

export async function postBundle(base, bundle) {
  const response = await fetch(`${base}/fhir`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/fhir+json', Accept: 'application/fhir+json' },
    body: typeof bundle === 'string' || bundle instanceof Uint8Array ? bundle : JSON.stringify(bundle),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`POST /fhir failed with ${response.status}: ${body.slice(0, 2000)}`);
  return JSON.parse(body);
}

export function seed(base) {
  return postBundle(base, studyBundle());
}

// The front door's live parts: counts of the trial's resource types, links to each type's search form, upload of a
// Bundle or ndjson file, and the language. Every number and every upload goes through the FHIR API with the
// signed-in user's token (the dashboard's sign-in), under the same authorization as any client; the page the server
// sends names no data.

import { FhirClient, FhirError, mapLimit, readToken } from './fhir-client.js';
import { h } from './dom.js';
import { LANGUAGES, lang, number, pickLanguage, t } from './i18n.js';
import { outcomeView } from './fhir-views.js';

/** The types the trial's data uses: counted; the others are listed without a count. */
export const TRIAL_TYPES = [
  'ResearchStudy', 'ResearchSubject', 'Patient', 'Organization', 'Practitioner', 'Encounter', 'Condition', 'Observation',
  'BodyStructure', 'ImagingStudy', 'DiagnosticReport', 'Procedure', 'Medication', 'MedicationRequest',
  'MedicationAdministration', 'MedicationStatement', 'AdverseEvent', 'Questionnaire', 'QuestionnaireResponse', 'Group',
  'PlanDefinition', 'Subscription',
];

const client = new FhirClient(new URL('/fhir/', location.origin));

main().catch((error) => console.error(error));

async function main() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  const picker = document.getElementById('language');
  picker.replaceChildren(...LANGUAGES.map((l) => h('option', { value: l.tag, text: l.name })));
  picker.value = lang;
  picker.addEventListener('change', () => pickLanguage(picker.value));
  setUpUpload();
  await showCounts();
  document.body.dataset.state = 'ready';
}

async function showCounts() {
  const box = document.getElementById('counts');
  const types = new Set([...document.querySelectorAll('ul.types [data-type]')].map((n) => n.dataset.type));
  const counted = TRIAL_TYPES.filter((type) => types.has(type));
  let refused = false;
  const counts = await mapLimit(counted, 4, async (type) => {
    try {
      return (await client.get(type, { _summary: 'count' })).total ?? 0;
    } catch (error) {
      if (error instanceof FhirError && (error.status === 401 || error.status === 403)) refused = true;
      return null;
    }
  });
  box.replaceChildren(
    refused && !readToken() ? h('p', { class: 'muted', text: t('front.signInNeeded') }) : '',
    h('table', { class: 'data', 'data-testid': 'type-counts' }, [
      h('thead', {}, h('tr', {}, [t('front.type'), t('front.count'), t('front.search')].map((text, i) => h('th', { scope: 'col', class: i === 1 ? 'num' : null, text })))),
      h('tbody', {}, counted.map((type, i) => h('tr', { 'data-type': type }, [
        h('th', { scope: 'row' }, h('a', { href: `/fhir/${type}?_count=20`, text: type })),
        h('td', { class: 'num', 'data-count': counts[i] ?? '', text: counts[i] === null ? '–' : number(counts[i]) }),
        h('td', {}, h('a', { href: `/fhir/${type}`, 'data-search': type, text: t('browse.searchType', { type }) })),
      ]))),
    ]));
}

/** The resources of an ndjson file as one batch Bundle: PUT where a resource has an id (a rerun updates), else POST. */
export function ndjsonBundle(text) {
  const entry = text.split(/\r?\n/).filter((line) => line.trim()).map((line) => {
    const resource = JSON.parse(line);
    return {
      resource,
      request: resource.id ? { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } : { method: 'POST', url: resource.resourceType },
    };
  });
  return { resourceType: 'Bundle', type: 'batch', entry };
}

function setUpUpload() {
  const form = document.getElementById('upload-form');
  const file = document.getElementById('upload-file');
  const result = document.getElementById('upload-result');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!file.files.length) return;
    result.replaceChildren(h('p', { class: 'loading', text: t('front.uploading') }));
    let body;
    try {
      const text = await file.files[0].text();
      body = file.files[0].name.endsWith('.ndjson') ? ndjsonBundle(text) : JSON.parse(text);
    } catch (error) {
      result.replaceChildren(h('p', { class: 'error', role: 'alert', text: t('front.notJson', { message: error.message }) }));
      return;
    }
    const headers = { Accept: 'application/fhir+json', 'Content-Type': 'application/fhir+json' };
    const token = readToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch('/fhir', { method: 'POST', headers, body: JSON.stringify(body) });
    const answer = await response.json().catch(() => null);
    result.replaceChildren(answer?.resourceType === 'Bundle' ? responseView(response.status, answer) : outcomeView(response.status, answer, response.statusText));
    result.dataset.status = String(response.status);
  });
}

function responseView(status, bundle) {
  const entries = bundle.entry ?? [];
  const ok = entries.filter((e) => /^2/.test(e.response?.status ?? '')).length;
  return h('section', { 'data-testid': 'upload-response' }, [
    h('p', { text: `${t('front.uploadResult', { status })} · ${bundle.type} · ${t('front.entries', { ok: number(ok), n: number(entries.length) })}` }),
    h('table', { class: 'data' }, h('tbody', {}, entries.map((e) => {
      const location = e.response?.location?.replace(/\/_history\/.*$/, '');
      const issue = e.response?.outcome?.issue?.[0];
      return h('tr', { 'data-status': e.response?.status ?? '' }, [
        h('td', { text: e.response?.status ?? '' }),
        h('td', {}, location ? h('a', { href: `/fhir/${location.replace(/^.*\/fhir\//, '')}`, text: location }) : ''),
        h('td', { text: issue ? `${issue.details?.text ?? issue.diagnostics ?? ''}${issue.expression?.length ? ` (${issue.expression.join(', ')})` : ''}` : '' }),
      ]);
    }))),
  ]);
}

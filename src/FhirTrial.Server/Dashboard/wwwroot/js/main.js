// The study dashboard: lays out the panels and fills each from the FHIR API and the trial operations.
// URL parameters: ?study=<ResearchStudy id> (default ak104-rcc-2l), &date=YYYY-MM-DD (eligibility evaluation date).

import { FhirClient, readToken, storeToken } from './fhir-client.js';
import { loadStudy, loadOperations } from './study-data.js';
import { Panel, figure, h } from './dom.js';
import { renderChart } from './charts.js';
import { efficacyCards } from './panels/efficacy.js';
import { enrollmentBySite, enrollmentSpec, simonStatus } from './panels/enrollment.js';
import { waterfallRows, waterfallSpec } from './panels/waterfall.js';
import { swimmerRows, swimmerSpec } from './panels/swimmer.js';
import { survivalSpec } from './panels/survival.js';
import { safetySummary, safetyTable, safetySpec } from './panels/safety.js';
import { screeningCandidates, screen, screeningSummary, screeningTable, SCREENING_LIMIT } from './panels/eligibility.js';

const query = new URLSearchParams(location.search);
const studyId = query.get('study') || 'ak104-rcc-2l';
const client = new FhirClient();

main().catch((error) => {
  console.error(error);
  document.body.dataset.state = 'error';
});

async function main() {
  setUpSignIn();
  const grid = document.getElementById('panels');
  const panels = {
    overview: new Panel(grid, { id: 'overview', title: 'Efficacy overview', subtitle: 'Confirmed best overall response per RECIST 1.1 ($efficacy)' }),
    enrollment: new Panel(grid, { id: 'enrollment', title: 'Enrollment and Simon two-stage status', subtitle: 'Subjects by site (Patient.managingOrganization) against the design' }),
    waterfall: new Panel(grid, { id: 'waterfall', title: 'Waterfall', subtitle: 'Best % change from baseline in the sum of target diameters' }),
    swimmer: new Panel(grid, { id: 'swimmer', title: 'Swimmer plot', subtitle: 'Time on treatment: first dose to last dose or tumour assessment' }),
    survival: new Panel(grid, { id: 'survival', title: 'Kaplan-Meier: PFS and OS', subtitle: 'With censoring marks and numbers at risk' }),
    safety: new Panel(grid, { id: 'safety', title: 'Safety', subtitle: 'Adverse events by term and CTCAE grade ($safety)' }),
    eligibility: new Panel(grid, { id: 'eligibility', title: 'Eligibility screening', subtitle: '$eligibility per patient, with unmet and undecidable criteria' }),
  };

  const operations = loadOperations(client, studyId);
  const study = loadStudy(client, studyId);

  const tasks = [
    guard(panels.overview, async () => panels.overview.show(efficacyCards(await operations.efficacy))),
    guard(panels.enrollment, async () => renderEnrollment(panels.enrollment, await study, operations.interim)),
    guard(panels.waterfall, async () => renderWaterfall(panels.waterfall, await study)),
    guard(panels.swimmer, async () => renderSwimmer(panels.swimmer, await study)),
    guard(panels.survival, async () => renderSurvival(panels.survival, await operations.efficacy)),
    guard(panels.safety, async () => renderSafety(panels.safety, await operations.safety)),
    guard(panels.eligibility, async () => renderEligibility(panels.eligibility, await study)),
  ];
  study.then((data) => showStudyHeader(data)).catch((error) => showStudyHeader(null, error));
  await Promise.all(tasks);
  document.getElementById('updated').textContent = `Updated ${new Date().toLocaleString()}`;
  document.body.dataset.state = 'ready';
}

/** Runs one panel's work; its failure shows in that panel only. */
async function guard(panel, work) {
  try {
    await work();
  } catch (error) {
    console.error(panel.id, error);
    panel.fail(error);
  }
}

function showStudyHeader(data, error) {
  const title = document.getElementById('study-title');
  if (!data) {
    title.textContent = `ResearchStudy/${studyId}: ${error?.message ?? 'not available'}`;
    return;
  }
  // NFKC folds full-width punctuation (e.g. "（AK104）") that fonts without CJK glyphs cannot show.
  title.textContent = (data.study.title ?? data.study.id).normalize('NFKC');
  document.title = `Dashboard · ${data.study.id}`;
  document.getElementById('study-id').textContent = `ResearchStudy/${data.study.id} · ${data.study.status ?? ''} · `;
}

async function renderEnrollment(panel, data, interimPromise) {
  const target = data.settings['simon-n'];
  const stage1 = data.settings['simon-n1'];
  const sites = enrollmentBySite(data.subjects, data.siteNames);
  const chart = await renderChart(enrollmentSpec(sites, { target, stage1 }), 'enrollment-plot');
  const screening = data.subjects.filter((s) => !s.enrolled).length;
  const caption = `${sites.reduce((n, s) => n + s.count, 0)} of ${target} enrolled` + (screening ? `; ${screening} more in screening` : '');
  let status;
  try {
    status = simonStatus(await interimPromise, data.settings);
  } catch (error) {
    status = h('p', { class: 'error', text: `$interim failed: ${error.message}` });
  }
  panel.show(h('div', { class: 'split' }, [figure(chart.element, caption), status]));
  panel.addDownload(chart, 'enrollment-by-site.svg');
}

async function renderWaterfall(panel, data) {
  const rows = waterfallRows(data.subjects);
  const enrolled = data.subjects.filter((s) => s.enrolled);
  const missing = enrolled.length - rows.length;
  if (!rows.length) {
    panel.show(h('p', { class: 'muted', text: 'No subject has a measured follow-up scan yet.' }));
    return;
  }
  const chart = await renderChart(waterfallSpec(rows), 'waterfall-plot');
  const failed = enrolled.filter((s) => s.recistError).length;
  const caption = `${rows.length} subjects with a post-baseline sum of target diameters` +
    (missing ? `; ${missing} without one (no baseline targets or no follow-up scan)` : '') +
    (failed ? `; $recist-response failed for ${failed}` : '') + '. Dashed lines: +20% and −30%.';
  panel.show(figure(chart.element, caption));
  panel.addDownload(chart, 'waterfall.svg');
}

async function renderSwimmer(panel, data) {
  const rows = swimmerRows(data.subjects);
  if (!rows.length) {
    panel.show(h('p', { class: 'muted', text: 'No subject has received study drug yet.' }));
    return;
  }
  const chart = await renderChart(swimmerSpec(rows), 'swimmer-plot');
  panel.show(figure(chart.element, `${rows.length} treated subjects, longest first. Bars are coloured by confirmed best overall response.`));
  panel.addDownload(chart, 'swimmer.svg');
}

async function renderSurvival(panel, efficacy) {
  const pfs = survivalSpec(efficacy.pfs ?? {}, { key: 'pfs', title: 'Progression-free survival', color: '#0b5cad' });
  const os = survivalSpec(efficacy.os ?? {}, { key: 'os', title: 'Overall survival', color: '#7b2cbf' });
  const [pfsChart, osChart] = await Promise.all([renderChart(pfs.spec, 'km-pfs'), renderChart(os.spec, 'km-os')]);
  panel.show(h('div', { class: 'pair' }, [figure(pfsChart.element, `PFS: ${pfs.summary}`), figure(osChart.element, `OS: ${os.summary}`)]));
  panel.addDownload(pfsChart, 'km-pfs.svg', 'PFS SVG');
  panel.addDownload(osChart, 'km-os.svg', 'OS SVG');
}

async function renderSafety(panel, safety) {
  const notes = (safety.note ?? []).map((n) => h('p', { class: 'muted small', text: n }));
  const chart = safety.term?.length ? await renderChart(safetySpec(safety), 'safety-plot') : null;
  panel.show(safetySummary(safety), h('div', { class: 'split' }, [safetyTable(safety), chart && figure(chart.element)]), ...notes);
  if (chart) panel.addDownload(chart, 'adverse-events.svg');
}

async function renderEligibility(panel, data) {
  const enrolledPatients = new Set(data.subjects.map((s) => s.patientId).filter(Boolean));
  const scope = h('select', { id: 'screen-scope', 'aria-label': 'Patients to screen' }, [
    h('option', { value: 'candidates', text: 'Patients without a ResearchSubject in this study' }),
    h('option', { value: 'all', text: 'All patients' }),
  ]);
  const date = h('input', { type: 'date', id: 'screen-date', 'aria-label': 'Evaluation date', value: query.get('date') ?? '' });
  const run = h('button', { type: 'button', id: 'screen-run', text: 'Screen' });
  const output = h('div', { class: 'screening' });
  const controls = h('form', { class: 'controls' }, [
    h('label', {}, ['Screen ', scope]), h('label', {}, [' on ', date, h('span', { class: 'muted small', text: ' (empty: today)' })]), run,
  ]);
  controls.addEventListener('submit', (e) => e.preventDefault());

  async function runScreening() {
    panel.root.dataset.state = 'loading';
    run.disabled = true;
    output.replaceChildren(h('p', { class: 'loading', text: 'Screening…' }));
    try {
      const { patients, truncated } = await screeningCandidates(client, enrolledPatients, scope.value);
      const results = await screen(client, patients, { studyId, date: date.value });
      output.replaceChildren(...[
        screeningSummary(results),
        truncated ? h('p', { class: 'muted small', text: `Only the first ${SCREENING_LIMIT} patients were screened.` }) : null,
        screeningTable(results, data.siteNames),
      ].filter(Boolean));
      panel.root.dataset.state = 'ready';
    } catch (error) {
      output.replaceChildren(h('p', { class: 'error', role: 'alert', text: `Screening failed: ${error.message}` }));
      panel.root.dataset.state = 'error';
    } finally {
      run.disabled = false;
    }
  }
  run.addEventListener('click', runScreening);
  panel.show(controls, output);
  await runScreening();
}

/** Token box: shown when the server answers 401, or to sign out when a token is stored. */
function setUpSignIn() {
  const box = document.getElementById('auth');
  const render = (message) => {
    const token = readToken();
    if (token && !message) {
      const out = h('button', { type: 'button', class: 'link', text: 'Sign out' });
      out.addEventListener('click', () => { storeToken(null); location.reload(); });
      box.replaceChildren(h('span', { class: 'muted small', text: 'Signed in with a bearer token · ' }), out);
      return;
    }
    if (!message) {
      box.replaceChildren();
      return;
    }
    const input = h('input', { type: 'password', id: 'token', autocomplete: 'off', placeholder: 'Bearer access token', 'aria-label': 'Access token' });
    const save = h('button', { type: 'submit', text: 'Use token' });
    const form = h('form', { class: 'signin', role: 'alert' }, [h('span', { text: message }), input, save]);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      storeToken(input.value);
      location.reload();
    });
    box.replaceChildren(form);
  };
  let shown = false;
  client.onUnauthorized = () => {
    if (shown) return;
    shown = true;
    render(readToken() ? 'Your access token was refused or has expired.' : 'The server requires sign-in.');
  };
  render();
}

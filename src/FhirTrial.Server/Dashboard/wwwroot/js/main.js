// The study dashboard: lays out the panels and fills each from the FHIR API and the trial operations.
// URL parameters: ?study=<ResearchStudy id> (default ak104-rcc-2l), &cutoff=YYYY-MM-DD (data cut-off, default today,
// applied to every panel), &date=YYYY-MM-DD (eligibility evaluation date), &lang=en|zh-CN.

import { FhirClient, readToken, storeToken } from './fhir-client.js';
import { loadStudy, loadOperations, loadDeviations, loadQualityOfLife, ON_TREATMENT_DAYS, QOL_LIMIT } from './study-data.js';
import { Panel, figure, h } from './dom.js';
import { renderChart } from './charts.js';
import { LANGUAGES, isoDateTime, isoToday, lang, number, pickLanguage, t } from './i18n.js';
import { efficacyCards } from './panels/efficacy.js';
import { enrollmentBySite, enrollmentSpec, simonStatus } from './panels/enrollment.js';
import { waterfallRows, waterfallSpec } from './panels/waterfall.js';
import { swimmerRows, swimmerSpec } from './panels/swimmer.js';
import { survivalSpec } from './panels/survival.js';
import { safetySummary, safetyTable, safetySpec } from './panels/safety.js';
import { deviationKindTable, deviationTable } from './panels/deviations.js';
import { qolSpec, qolSummary, qolTable } from './panels/qol.js';
import { listingTable } from './panels/listing.js';
import { screeningCandidates, screen, screeningSummary, screeningTable, SCREENING_LIMIT } from './panels/eligibility.js';

const query = new URLSearchParams(location.search);
const studyId = query.get('study') || 'ak104-rcc-2l';
const requestedCutoff = /^\d{4}-\d{2}-\d{2}$/.test(query.get('cutoff') ?? '') ? query.get('cutoff') : null;
/** The cut-off every panel uses: the one asked for, else today (as the operations default to). */
const cutoff = requestedCutoff ?? isoToday();
const client = new FhirClient();

main().catch((error) => {
  console.error(error);
  document.body.dataset.state = 'error';
});

async function main() {
  document.documentElement.lang = lang;
  translateStatic();
  setUpSignIn();
  setUpHeader();

  let study;
  try {
    study = await client.read('ResearchStudy', studyId);
  } catch (error) {
    if (error.status === 404 || error.status === 410) {
      await showUnknownStudy();
      return;
    }
    throw error;
  }
  showStudyHeader(study);

  const grid = document.getElementById('panels');
  const panel = (id) => new Panel(grid, { id, title: t(`${id}.title`), subtitle: t(`${id}.subtitle`) });
  const panels = {
    overview: panel('overview'),
    enrollment: panel('enrollment'),
    waterfall: panel('waterfall'),
    swimmer: panel('swimmer'),
    survival: panel('survival'),
    safety: panel('safety'),
    deviations: panel('deviations'),
    qol: panel('qol'),
    listing: panel('listing'),
    eligibility: panel('eligibility'),
  };

  const operations = loadOperations(client, studyId, requestedCutoff ?? undefined);
  const data = loadStudy(client, studyId, cutoff);
  const deviations = data.then((d) => loadDeviations(client, d.subjects, requestedCutoff ?? undefined));
  deviations.catch(() => {});

  await Promise.all([
    guard(panels.overview, async () => panels.overview.show(efficacyCards(await operations.efficacy))),
    guard(panels.enrollment, async () => renderEnrollment(panels.enrollment, await data, operations.interim)),
    guard(panels.waterfall, async () => renderWaterfall(panels.waterfall, await data)),
    guard(panels.swimmer, async () => renderSwimmer(panels.swimmer, await data)),
    guard(panels.survival, async () => renderSurvival(panels.survival, await operations.efficacy)),
    guard(panels.safety, async () => renderSafety(panels.safety, await operations.safety)),
    guard(panels.deviations, async () => renderDeviations(panels.deviations, await deviations)),
    guard(panels.qol, async () => renderQualityOfLife(panels.qol, await data)),
    guard(panels.listing, async () => renderListing(panels.listing, await data, deviations)),
    guard(panels.eligibility, async () => renderEligibility(panels.eligibility, await data)),
  ]);
  document.getElementById('updated').textContent = t('app.updated', { time: isoDateTime(new Date()) });
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

function translateStatic() {
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
}

/** The header's controls: study picker, data cut-off and language, each reloading the page with its choice. */
function setUpHeader() {
  const controls = document.getElementById('controls');
  const navigate = (changes) => {
    const url = new URL(location.href);
    for (const [name, value] of Object.entries(changes)) {
      if (value) url.searchParams.set(name, value);
      else url.searchParams.delete(name);
    }
    location.assign(url);
  };

  const studyPicker = h('select', { id: 'study-picker', 'aria-label': t('app.study') }, [h('option', { value: studyId, text: studyId })]);
  studyPicker.addEventListener('change', () => navigate({ study: studyPicker.value }));
  client.searchAll('ResearchStudy', {}, { max: 200 }).then((studies) => {
    const options = studies.filter((s) => s.resourceType === 'ResearchStudy').map((s) => h('option', { value: s.id, text: s.title ? `${s.id} · ${s.title.normalize('NFKC')}` : s.id }));
    if (!options.some((o) => o.value === studyId)) options.unshift(h('option', { value: studyId, text: studyId }));
    studyPicker.replaceChildren(...options);
    studyPicker.value = studyId;
  }).catch(() => {});

  const cutoffInput = h('input', { type: 'date', id: 'cutoff', 'aria-label': t('app.cutoff'), value: requestedCutoff ?? '' });
  const apply = h('button', { type: 'submit', id: 'cutoff-apply', text: t('app.cutoffApply') });
  const cutoffForm = h('form', { class: 'cutoff-form' }, [h('label', {}, [`${t('app.cutoff')} `, cutoffInput]), apply]);
  cutoffForm.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate({ cutoff: cutoffInput.value });
  });

  const language = h('select', { id: 'language', 'aria-label': t('app.language') }, LANGUAGES.map((l) => h('option', { value: l.tag, text: l.name })));
  language.value = lang;
  language.addEventListener('change', () => pickLanguage(language.value));

  controls.replaceChildren(
    h('label', {}, [`${t('app.study')} `, studyPicker]),
    cutoffForm,
    h('label', {}, [`${t('app.language')} `, language]),
  );
  const shown = document.getElementById('cutoff-shown');
  shown.dataset.cutoff = cutoff;
  shown.textContent = `${t('app.cutoff')}: ${requestedCutoff ?? t('app.cutoffToday', { date: cutoff })}`;
  shown.title = t('app.cutoffNote', { date: cutoff });
}

/** An unknown study: say so plainly, and offer the studies there are. */
async function showUnknownStudy() {
  document.getElementById('study-title').textContent = t('app.unknownStudy', { id: studyId });
  const grid = document.getElementById('panels');
  let studies = [];
  try {
    studies = (await client.searchAll('ResearchStudy', {}, { max: 200 })).filter((s) => s.resourceType === 'ResearchStudy');
  } catch {
    // the message above stands on its own
  }
  const link = (s) => {
    const url = new URL(location.href);
    url.searchParams.set('study', s.id);
    return h('li', {}, h('a', { href: url.pathname + url.search, text: s.title ? `${s.id} · ${s.title.normalize('NFKC')}` : s.id }));
  };
  grid.replaceChildren(h('section', { class: 'panel', id: 'unknown-study', role: 'alert', dataset: { state: 'ready' } }, [
    h('h2', { text: t('app.unknownStudy', { id: studyId }) }),
    h('p', { text: studies.length ? t('app.unknownStudyHint') : t('app.noStudies') }),
    studies.length ? h('ul', {}, studies.map(link)) : null,
  ]));
  document.body.dataset.state = 'unknown-study';
}

function showStudyHeader(study) {
  // NFKC folds full-width punctuation (e.g. "（AK104）") that fonts without CJK glyphs cannot show.
  document.getElementById('study-title').textContent = (study.title ?? study.id).normalize('NFKC');
  document.title = `Dashboard · ${study.id}`;
  document.getElementById('study-id').textContent = `ResearchStudy/${study.id} · ${study.status ?? ''} · `;
}

async function renderEnrollment(panel, data, interimPromise) {
  const target = data.settings['simon-n'];
  const stage1 = data.settings['simon-n1'];
  const sites = enrollmentBySite(data.subjects, data.siteNames);
  const chart = await renderChart(enrollmentSpec(sites, { target, stage1 }), 'enrollment-plot');
  const screening = data.subjects.filter((s) => !s.enrolled).length;
  const caption = t('enrollment.caption', { enrolled: number(sites.reduce((n, s) => n + s.count, 0)), target: number(target) })
    + (screening ? t('enrollment.screening', { n: number(screening) }) : '');
  let status;
  try {
    status = simonStatus(await interimPromise, data.settings);
  } catch (error) {
    status = h('p', { class: 'error', text: t('simon.failed', { message: error.message }) });
  }
  panel.show(h('div', { class: 'split' }, [figure(chart.element, caption), status]));
  panel.addDownload(chart, 'enrollment-by-site.svg');
}

async function renderWaterfall(panel, data) {
  const rows = waterfallRows(data.subjects);
  const enrolled = data.subjects.filter((s) => s.enrolled);
  const missing = enrolled.length - rows.length;
  if (!rows.length) {
    panel.show(h('p', { class: 'muted', text: t('waterfall.none') }));
    return;
  }
  const chart = await renderChart(waterfallSpec(rows), 'waterfall-plot');
  const failed = enrolled.filter((s) => s.recistError).length;
  const caption = t('waterfall.caption', { n: number(rows.length) })
    + (missing ? t('waterfall.missing', { n: number(missing) }) : '')
    + (failed ? t('waterfall.failed', { n: number(failed) }) : '') + t('waterfall.lines')
    + (rows.some((r) => r.newLesion) ? t('waterfall.newLesion') : '');
  panel.show(figure(chart.element, caption));
  panel.addDownload(chart, 'waterfall.svg');
}

async function renderSwimmer(panel, data) {
  const rows = swimmerRows(data.subjects);
  if (!rows.length) {
    panel.show(h('p', { class: 'muted', text: t('swimmer.none') }));
    return;
  }
  const chart = await renderChart(swimmerSpec(rows), 'swimmer-plot');
  panel.show(figure(chart.element, t('swimmer.caption', { n: number(rows.length), days: ON_TREATMENT_DAYS })));
  panel.addDownload(chart, 'swimmer.svg');
}

async function renderSurvival(panel, efficacy) {
  const pfs = survivalSpec(efficacy.pfs ?? {}, { key: 'pfs', title: t('survival.pfs'), color: '#0b5cad' });
  const os = survivalSpec(efficacy.os ?? {}, { key: 'os', title: t('survival.os'), color: '#7b2cbf' });
  const [pfsChart, osChart] = await Promise.all([renderChart(pfs.spec, 'km-pfs'), renderChart(os.spec, 'km-os')]);
  panel.show(h('div', { class: 'pair' }, [
    figure(pfsChart.element, `${t('survival.pfs')}: ${pfs.summary}`),
    figure(osChart.element, `${t('survival.os')}: ${os.summary}`),
  ]));
  panel.addDownload(pfsChart, 'km-pfs.svg', 'PFS SVG');
  panel.addDownload(osChart, 'km-os.svg', 'OS SVG');
}

async function renderSafety(panel, safety) {
  const notes = (safety.note ?? []).map((n) => h('p', { class: 'muted small', text: n }));
  const chart = safety.term?.length ? await renderChart(safetySpec(safety), 'safety-plot') : null;
  const table = safetyTable(safety);
  panel.show(safetySummary(safety), h('div', { class: 'split' }, [table, chart && figure(chart.element)]), ...notes);
  if (chart) panel.addDownload(chart, 'adverse-events.svg');
  panel.addCsv(table, 'adverse-events.csv');
}

async function renderDeviations(panel, results) {
  const kinds = deviationKindTable(results);
  const table = deviationTable(results);
  panel.show(h('div', { class: 'split' }, [kinds, table]));
  panel.addCsv(kinds, 'deviations-by-kind.csv');
  panel.addCsv(table, 'deviations.csv');
}

async function renderQualityOfLife(panel, data) {
  const { scored, truncated } = await loadQualityOfLife(client, data.subjects, cutoff);
  if (!scored.length) {
    panel.show(h('p', { class: 'muted', text: t('qol.none') }));
    return;
  }
  const summary = qolSummary(scored);
  const table = qolTable(summary);
  const chart = await renderChart(qolSpec(summary), 'qol-plot');
  panel.show(h('div', { class: 'split' }, [table, figure(chart.element)]),
    truncated ? h('p', { class: 'muted small', text: t('eligibility.truncated', { n: QOL_LIMIT }) }) : null);
  panel.addDownload(chart, 'quality-of-life.svg');
  panel.addCsv(table, 'quality-of-life.csv');
}

async function renderListing(panel, data, deviationsPromise) {
  let counts = new Map();
  try {
    counts = new Map((await deviationsPromise).filter((r) => !r.error).map((r) => [r.subject.id, r.deviations.length]));
  } catch {
    // the listing stands without the deviation counts
  }
  const table = listingTable(data.subjects, counts);
  panel.show(table);
  panel.addCsv(table, 'subjects.csv');
}

async function renderEligibility(panel, data) {
  const enrolledPatients = new Set(data.subjects.map((s) => s.patientId).filter(Boolean));
  const scope = h('select', { id: 'screen-scope', 'aria-label': t('eligibility.scope') }, [
    h('option', { value: 'candidates', text: t('eligibility.candidates') }),
    h('option', { value: 'all', text: t('eligibility.all') }),
  ]);
  const date = h('input', { type: 'date', id: 'screen-date', 'aria-label': t('eligibility.on').trim(), value: query.get('date') ?? '' });
  const run = h('button', { type: 'button', id: 'screen-run', text: t('eligibility.screen') });
  const output = h('div', { class: 'screening' });
  const controls = h('form', { class: 'controls' }, [
    h('label', {}, [`${t('eligibility.screen')} `, scope]), h('label', {}, [t('eligibility.on'), date, h('span', { class: 'muted small', text: t('eligibility.today') })]), run,
  ]);
  controls.addEventListener('submit', (e) => e.preventDefault());
  let csvAdded = false;

  async function runScreening() {
    panel.root.dataset.state = 'loading';
    run.disabled = true;
    output.replaceChildren(h('p', { class: 'loading', text: t('eligibility.screening') }));
    try {
      const { patients, truncated } = await screeningCandidates(client, enrolledPatients, scope.value);
      const results = await screen(client, patients, { studyId, date: date.value });
      const table = screeningTable(results, data.siteNames);
      output.replaceChildren(...[
        screeningSummary(results),
        truncated ? h('p', { class: 'muted small', text: t('eligibility.truncated', { n: SCREENING_LIMIT }) }) : null,
        table,
      ].filter(Boolean));
      if (!csvAdded) {
        panel.actions.append(h('button', { type: 'button', class: 'download', 'data-csv': 'eligibility.csv', text: `${t('panel.downloadCsv')} · eligibility` }));
        panel.actions.lastChild.addEventListener('click', () => panel.csvOf(output.querySelector('table'), 'eligibility.csv'));
        csvAdded = true;
      }
      panel.root.dataset.state = 'ready';
    } catch (error) {
      output.replaceChildren(h('p', { class: 'error', role: 'alert', text: t('eligibility.failed', { message: error.message }) }));
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
      const out = h('button', { type: 'button', class: 'link', text: t('app.signOut') });
      out.addEventListener('click', () => { storeToken(null); location.reload(); });
      box.replaceChildren(h('span', { class: 'muted small', text: t('app.signedIn') }), out);
      return;
    }
    if (!message) {
      box.replaceChildren();
      return;
    }
    const input = h('input', { type: 'password', id: 'token', autocomplete: 'off', placeholder: t('app.tokenPlaceholder'), 'aria-label': t('app.tokenPlaceholder') });
    const save = h('button', { type: 'submit', text: t('app.useToken') });
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
    render(readToken() ? t('app.tokenRefused') : t('app.signInRequired'));
  };
  render();
}

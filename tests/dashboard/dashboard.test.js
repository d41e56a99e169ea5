// The study dashboard in real headless Chromium against the real server on a small seeded study with known answers.
// Run: npm ci && npm test (after `dotnet build src/FhirTrial.Server`). On failure a screenshot, the page's HTML and the
// server's log land in artifacts/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Harness, attr, described, marks, readDescription, screenshotFor } from './lib/harness.js';
import { EXPECTED, seed } from './lib/seed.js';

const harness = new Harness('seeded');
let page;
const pageErrors = harness.pageErrors;
const checked = (t, check) => harness.checked(t, check);

/** The shared response colours (js/responses.js): every plot must use them. */
const RESPONSE_COLORS = { CR: '#1a7f37', PR: '#4caf50', SD: '#f0a202', PD: '#d1342f', NE: '#9aa5b1' };
const PLOTS = ['enrollment-plot', 'waterfall-plot', 'swimmer-plot', 'km-pfs', 'km-os', 'safety-plot'];
const fills = (locator) => attr(locator, 'fill');
const heights = (locator) => locator.evaluateAll((nodes) => nodes.map((n) => n.getBBox().height));
const widths = (locator) => locator.evaluateAll((nodes) => nodes.map((n) => n.getBBox().width));

describe('study dashboard', () => {
  before(async () => {
    await harness.start(seed);
    page = await harness.open(`?date=${EXPECTED.eligibilityDate}&cutoff=${EXPECTED.cutoff}&lang=en`);
  });

  after(() => harness.stop());

  test('every panel loads without errors', async (t) => {
    await checked(t, async () => {
      const states = await page.locator('section.panel').evaluateAll((nodes) => nodes.map((n) => `${n.id}:${n.dataset.state}`));
      assert.deepEqual(states, ['overview', 'enrollment', 'waterfall', 'swimmer', 'survival', 'safety', 'deviations', 'qol', 'listing', 'eligibility'].map((id) => `${id}:ready`));
      assert.match(await page.locator('#study-title').textContent(), /Cadonilimab/);
      // The cut-off is in the header and in the study picker's and date box's state.
      assert.equal(await page.locator('[data-testid="cutoff"]').getAttribute('data-cutoff'), EXPECTED.cutoff);
      assert.match(await page.locator('[data-testid="cutoff"]').textContent(), new RegExp(`Data cut-off: ${EXPECTED.cutoff}`));
      assert.equal(await page.inputValue('#cutoff'), EXPECTED.cutoff);
      assert.equal(await page.inputValue('#study-picker'), 'ak104-rcc-2l');
    });
  });

  test('each plot is SVG drawn by Vega 6.4.0 / Vega-Lite 6.5.0 in its container, under a CSP without eval', async (t) => {
    await checked(t, async () => {
      for (const testId of PLOTS) {
        assert.equal(await page.locator(`figure.plot > [data-testid="${testId}"] > svg.marks`).count(), 1, testId);
      }
      assert.equal(await page.evaluate(() => `${globalThis.vega.version} ${globalThis.vegaLite.version}`), '6.4.0 6.5.0');
      // Vega needs no eval here (vega-interpreter); a refused script would show up in the last test's console errors.
      const csp = (await fetch(`${harness.base}/dashboard/`)).headers.get('content-security-policy');
      assert.match(csp, /script-src 'self'[;\s]/);
      assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/);
    });
  });

  test('enrollment by site against the Simon design', async (t) => {
    await checked(t, async () => {
      const bars = await described(page, 'enrollment-plot', 'site_bars');
      assert.deepEqual(bars.map((b) => b['site id']), Object.keys(EXPECTED.enrollment), 'sites in the study\'s order, then all sites');
      assert.deepEqual(bars.map((b) => Number(b.enrolled)), Object.values(EXPECTED.enrollment));
      assert.deepEqual(await marks(page, 'enrollment-plot', 'site_counts').allTextContents(), Object.values(EXPECTED.enrollment).map(String), 'count labels');
      const lengths = await widths(marks(page, 'enrollment-plot', 'site_bars'));
      assert.ok(lengths[0] === lengths[1] && lengths[1] > lengths[2] && lengths[3] > lengths[0], 'bar lengths follow the counts');
      const design = await described(page, 'enrollment-plot', 'design_rules');
      assert.deepEqual(design, [{ design: 'Simon stage 1', subjects: '12' }, { design: 'target', subjects: '28' }]);
      assert.deepEqual(await marks(page, 'enrollment-plot', 'design_labels').allTextContents(), ['Stage 1 (12)', 'Target (28)']);
      const interim = await (await fetch(`${harness.base}/fhir/ResearchStudy/ak104-rcc-2l/$interim`)).json();
      const decision = interim.parameter.find((p) => p.name === 'decision').valueCode;
      assert.equal(decision, 'pending');
      assert.equal(await page.locator('[data-testid="simon-status"] [data-decision]').getAttribute('data-decision'), decision);
    });
  });

  test('efficacy overview shows the populations, ORR and best responses', async (t) => {
    await checked(t, async () => {
      const card = (key) => page.locator(`[data-testid="efficacy-cards"] [data-key="${key}"] .card-value`).textContent();
      assert.equal(await card('treated'), EXPECTED.efficacy.treated);
      assert.equal(await card('evaluable'), EXPECTED.efficacy.evaluable);
      assert.equal(await card('responders'), EXPECTED.efficacy.responders);
      const ci = (key) => page.locator(`[data-testid="efficacy-cards"] [data-key="${key}"] .card-ci`).textContent();
      // ORR with n/N and its exact interval; DCR likewise; DOR and TTR medians with their intervals.
      assert.equal(await card('orr'), `${EXPECTED.efficacy.orr} (${EXPECTED.efficacy.responders}/${EXPECTED.efficacy.evaluable})`);
      assert.match(await ci('orr'), /^95% CI \d+\.\d%–\d+\.\d%$/);
      assert.equal(await card('dcr'), `${EXPECTED.efficacy.dcr} (3/${EXPECTED.efficacy.evaluable})`);
      const efficacy = await (await fetch(`${harness.base}/fhir/ResearchStudy/ak104-rcc-2l/$efficacy?cutoff=${EXPECTED.cutoff}`)).json();
      const value = (name) => efficacy.parameter.find((p) => p.name === name).valueDecimal;
      assert.equal(await ci('dcr'), `95% CI ${(value('dcrLower') * 100).toFixed(1)}%–${(value('dcrUpper') * 100).toFixed(1)}%`);
      assert.match(await card('ttr'), /^\d+\.\d mo$/, 'one response: TTR median reached');
      assert.match(await ci('ttr'), /^95% CI /);
      assert.ok(await card('dor'));
      const chips = await page.locator('[data-testid="bor-counts"] [data-bor]').evaluateAll((nodes) => Object.fromEntries(nodes.map((n) => [n.dataset.bor, n.textContent])));
      assert.deepEqual(chips, Object.fromEntries(Object.entries(EXPECTED.bor).map(([code, n]) => [code, `${code} ${n}`])));
    });
  });

  test('waterfall has one bar per measured subject, in order, with value and colour by response', async (t) => {
    await checked(t, async () => {
      const bars = await described(page, 'waterfall-plot', 'waterfall_bars');
      assert.equal(bars.length, EXPECTED.waterfall.length);
      assert.deepEqual(bars.map((b) => b.resource), EXPECTED.waterfall.map((b) => `ResearchSubject/${b.subject}`));
      assert.deepEqual(bars.map((b) => b.subject), EXPECTED.waterfall.map((b) => b.label));
      assert.deepEqual(bars.map((b) => b['best change']), EXPECTED.waterfall.map((b) => b.text));
      assert.deepEqual(bars.map((b) => b['best change'].replace('\u2212', '-').replace('%', '')), EXPECTED.waterfall.map((b) => b.value.replace(/^(\d)/, '+$1')));
      assert.deepEqual(bars.map((b) => b['best overall response']), EXPECTED.waterfall.map((b) => b.response));
      // What is drawn: value labels at the bar ends, subjects along the axis, colours from the shared response scale.
      assert.deepEqual(await page.locator('[data-testid="waterfall-plot"] g[class*="waterfall_values_"] > text').allTextContents(), EXPECTED.waterfall.map((b) => b.text));
      assert.deepEqual(await page.locator('[data-testid="waterfall-plot"] g.role-axis[aria-label^="X-axis"] g.role-axis-label > text').allTextContents(), EXPECTED.waterfall.map((b) => b.label));
      assert.deepEqual(await fills(marks(page, 'waterfall-plot', 'waterfall_bars')), EXPECTED.waterfall.map((b) => RESPONSE_COLORS[b.response]));
      // Bars below zero for shrinkage, above for growth.
      const lengths = await heights(marks(page, 'waterfall-plot', 'waterfall_bars'));
      assert.ok(lengths[3] > lengths[0] && lengths[0] > lengths[2] && lengths[2] > lengths[1], 'bar lengths follow |value|');
      const thresholds = await described(page, 'waterfall-plot', 'waterfall_thresholds');
      assert.deepEqual(thresholds.map((r) => r.threshold), ['+20%', '\u221230%']);
      assert.deepEqual(await attr(marks(page, 'waterfall-plot', 'waterfall_thresholds'), 'stroke-dasharray'), ['4,3', '4,3'], 'dashed');
      // Hovering a bar shows its description as the tooltip.
      await marks(page, 'waterfall-plot', 'waterfall_bars').first().hover();
      await page.waitForFunction((label) => document.querySelector('[data-testid="waterfall-plot"]').title.startsWith(`subject: ${label};`), EXPECTED.waterfall[0].label);
    });
  });

  test('swimmer plot shows time on treatment with response, progression and death markers', async (t) => {
    await checked(t, async () => {
      const events = await described(page, 'swimmer-plot', 'swimmer_events');
      const kinds = { 'first response': 'response', progression: 'progression', death: 'death', 'on treatment': 'ongoing' };
      const bars = await described(page, 'swimmer-plot', 'swimmer_bars');
      const rows = bars.map((bar) => ({
        subject: bar.resource.replace('ResearchSubject/', ''),
        days: Number(bar['days on treatment']),
        response: bar['best overall response'],
        markers: events.filter((e) => e.subject === bar.subject).map((e) => `${kinds[e.event]}${e.day ? `@${e.day}` : ''}`).sort(),
      }));
      assert.deepEqual(rows.map((r) => r.subject), ['dt-rs01', 'dt-rs03', 'dt-rs04', 'dt-rs02', 'dt-rs05'], 'longest first');
      assert.deepEqual(await fills(marks(page, 'swimmer-plot', 'swimmer_bars')), rows.map((r) => RESPONSE_COLORS[r.response]), 'colours by response');
      const lengths = await widths(marks(page, 'swimmer-plot', 'swimmer_bars'));
      assert.ok(lengths.every((w, i) => i === 0 || w <= lengths[i - 1]), 'bar lengths follow the days');
      // Each event marker sits on its subject's bar.
      const middles = (layer) => marks(page, 'swimmer-plot', layer).evaluateAll((nodes) => nodes.map((n) => {
        const box = n.getBoundingClientRect();
        return (box.top + box.bottom) / 2;
      }));
      const barMiddles = await middles('swimmer_bars');
      const eventMiddles = await middles('swimmer_events');
      events.forEach((e, i) => {
        const bar = bars.findIndex((b) => b.subject === e.subject);
        assert.ok(Math.abs(eventMiddles[i] - barMiddles[bar]) < 1.5, `${e.subject} ${e.event} on its row`);
      });
      for (const row of rows) {
        const e = EXPECTED.swimmer[row.subject];
        assert.equal(row.days, e.days, `${row.subject} days`);
        assert.equal(row.response, e.response, `${row.subject} response`);
        const markers = [
          e.responseDay !== null ? `response@${e.responseDay}` : null,
          e.progressionDay !== null ? `progression@${e.progressionDay}` : null,
          e.deathDay !== null ? `death@${e.deathDay}` : null,
          e.ongoing ? 'ongoing' : null,
        ].filter(Boolean).sort();
        assert.deepEqual(row.markers, markers, `${row.subject} markers`);
      }
    });
  });

  test('Kaplan-Meier curves give the numbers at risk and the PFS median', async (t) => {
    await checked(t, async () => {
      for (const [key, expected] of [['pfs', EXPECTED.pfsAtRisk], ['os', EXPECTED.osAtRisk]]) {
        const cells = await described(page, `km-${key}`, 'km_at_risk');
        assert.deepEqual(cells.map((c) => Number(c['at risk'])), expected, `${key} at risk`);
        assert.deepEqual(cells.map((c) => Number(c.month)), expected.map((_, month) => month), `${key} months`);
        assert.deepEqual((await marks(page, `km-${key}`, 'km_at_risk').allTextContents()).map(Number), expected, `${key} numbers shown`);
      }
      assert.equal((await described(page, 'km-pfs', 'km_median'))[0]['median days'], String(EXPECTED.pfsMedian));
      assert.equal((await described(page, 'km-os', 'km_median'))[0]['median days'], 'not reached', 'OS median not reached');
      // One censoring mark where DT-01 and DT-03 leave the PFS risk set together at day 84, one for DT-05 is at day 0 (not drawn).
      assert.deepEqual((await described(page, 'km-pfs', 'km_censored')).map((c) => [c.day, c.censored]), [['84', '2']]);
      const [curve] = await described(page, 'km-pfs', 'km_curve');
      assert.equal(curve['survival by day'], 'day 0 100%, day 42 75%, day 80 50%, day 84 50%', 'one step per time in the curve');
      assert.equal(await marks(page, 'km-pfs', 'km_curve').count(), 1, 'one line');
    });
  });

  test('Kaplan-Meier curves carry their 95% bands from $efficacy, and say where they are cut', async (t) => {
    await checked(t, async () => {
      const bands = await described(page, 'km-pfs', 'km_band');
      assert.equal(bands.length, 1, 'one band area');
      const efficacy = await (await fetch(`${harness.base}/fhir/ResearchStudy/ak104-rcc-2l/$efficacy?cutoff=${EXPECTED.cutoff}`)).json();
      const pfs = efficacy.parameter.find((p) => p.name === 'pfs').part.filter((p) => p.name === 'point')
        .map((p) => Object.fromEntries(p.part.map((x) => [x.name, x.valueDecimal ?? x.valueInteger])));
      const day42 = pfs.find((p) => p.time === 42);
      assert.ok(day42.lower < day42.survival && day42.survival < day42.upper, 'the band holds the estimate');
      // OS: at day 105 one subject is left at risk (< 2 of 5): the curve is cut there and the caption says so.
      assert.match(await page.locator('#survival figcaption').nth(1).textContent(), /Curve cut at 3\.4 months \(day 105\), where fewer than 2 subjects remain at risk/);
    });
  });

  test('safety table counts subjects by term and grade', async (t) => {
    await checked(t, async () => {
      const table = page.locator('[data-testid="safety-table"]');
      for (const [code, e] of Object.entries(EXPECTED.safety.terms)) {
        const row = table.locator(`tr[data-term="${code}"]`);
        assert.equal(await row.locator('[data-col="subjects"]').textContent(), e.subjects, `${code} any grade`);
        assert.equal(await row.locator('[data-col="grade3"]').textContent(), e.grade3, `${code} grade >= 3`);
        assert.equal(await row.locator('[data-col="maxGrade"]').textContent(), e.maxGrade, `${code} worst grade`);
      }
      assert.equal(await table.locator('tbody tr').count(), Object.keys(EXPECTED.safety.terms).length);
      // Grade bands and related counts; hypertension: one subject grade 2, one grade 3, both related.
      const hypertension = table.locator('tr[data-term="10020772"]');
      assert.deepEqual(await Promise.all(['g12', 'g34', 'g5', 'related'].map((col) => hypertension.locator(`[data-col="${col}"]`).getAttribute('data-value'))), ['1', '1', '0', '2']);
      assert.equal(await page.locator('[data-testid="safety-summary"] [data-key="grade5Ae"]').getAttribute('data-count'), String(EXPECTED.safety.grade5Ae));
      const count = (text) => text.split(' ')[0];
      const anyGrade = await described(page, 'safety-plot', 'ae_any_grade');
      assert.deepEqual(Object.fromEntries(anyGrade.map((b) => [b.code, [b['any grade'], b['grade \u22653']]])),
        Object.fromEntries(Object.entries(EXPECTED.safety.terms).map(([code, e]) => [code, [count(e.subjects), count(e.grade3)]])));
      const grade3 = await described(page, 'safety-plot', 'ae_grade3');
      assert.deepEqual(grade3.map((b) => b.code).sort(), Object.entries(EXPECTED.safety.terms).filter(([, e]) => count(e.grade3) !== '0').map(([code]) => code).sort());
    });
  });

  test('eligibility screening lists patients off study with their unmet criteria', async (t) => {
    await checked(t, async () => {
      const rows = page.locator('[data-testid="eligibility-table"] tbody tr[data-patient]');
      assert.deepEqual((await attr(rows, 'data-patient')).sort(), Object.keys(EXPECTED.eligibility).sort());
      for (const [patient, e] of Object.entries(EXPECTED.eligibility)) {
        const row = page.locator(`[data-testid="eligibility-table"] tr[data-patient="${patient}"]`);
        assert.equal(await row.getAttribute('data-outcome'), e.outcome, patient);
        // The page lists exactly the operation's not-met and unknown criteria.
        const api = await (await fetch(`${harness.base}/fhir/Patient/${patient}/$eligibility?study=ResearchStudy/ak104-rcc-2l&date=${EXPECTED.eligibilityDate}`)).json();
        const criteria = (status) => api.parameter.filter((p) => p.name === 'criterion')
          .filter((c) => c.part.find((p) => p.name === 'status').valueCode === status)
          .map((c) => c.part.find((p) => p.name === 'id').valueString);
        const notMet = await attr(row.locator('ul.not-met [data-criterion]'), 'data-criterion');
        assert.deepEqual(notMet, criteria('not-met'), `${patient} unmet criteria`);
        assert.deepEqual(await attr(row.locator('ul.unknown [data-criterion]'), 'data-criterion'), criteria('unknown'), `${patient} unknown criteria`);
        for (const id of e.notMet ?? []) assert.ok(notMet.includes(id), `${patient} does not meet ${id}`);
        if (e.outcome === 'undetermined') assert.ok(criteria('unknown').length > 0, `${patient} has unknowns`);
      }
      // "All patients" adds the five subjects.
      await page.selectOption('#screen-scope', 'all');
      await page.click('#screen-run');
      await page.waitForSelector('#eligibility[data-state="ready"] [data-testid="eligibility-table"]');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="eligibility-table"] tr[data-patient]').length === 7);
    });
  });

  test('protocol deviations and the subject listing agree with the operations, and download as CSV', async (t) => {
    await checked(t, async () => {
      let total = 0;
      for (const id of ['dt-rs01', 'dt-rs02', 'dt-rs03', 'dt-rs04', 'dt-rs05']) {
        const result = await (await fetch(`${harness.base}/fhir/ResearchSubject/${id}/$protocol-deviations?cutoff=${EXPECTED.cutoff}`)).json();
        const count = (result.parameter ?? []).filter((p) => p.name === 'deviation').length;
        total += count;
        assert.equal(await page.locator(`[data-testid="deviation-table"] tr[data-subject="${id}"]`).count(), count, id);
        assert.equal(await page.locator(`[data-testid="subject-listing"] tr[data-subject="${id}"] td`).last().textContent(), String(count), `${id} in the listing`);
      }
      const byKind = await page.locator('[data-testid="deviation-kinds"] [data-col="count"]').allTextContents();
      assert.equal(byKind.map(Number).reduce((a, b) => a + b, 0), total);
      assert.equal(await page.locator('#qol .muted').textContent(), 'No scored questionnaire responses.');

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-csv="subjects.csv"]')]);
      assert.equal(download.suggestedFilename(), 'subjects.csv');
      const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
      assert.equal(csv[0].split(',')[0], 'Subject');
      assert.equal(csv.length, 1 + 5);
      assert.match(csv.find((line) => line.startsWith('DT-02,')), /^DT-02,Renji[^,]*,off-study,2024-01-15,2024-02-05,\d+,PD,30\.0,2024-02-26,/);
      for (const file of ['adverse-events.csv', 'deviations.csv', 'deviations-by-kind.csv', 'eligibility.csv']) {
        const [d] = await Promise.all([page.waitForEvent('download'), page.click(`button[data-csv="${file}"]`)]);
        assert.equal(d.suggestedFilename(), file);
        assert.ok(readFileSync(await d.path(), 'utf8').split('\r\n').length >= 2, file);
      }
    });
  });

  test('a cut-off before some data leaves it out of every panel; the page speaks Chinese when asked', async (t) => {
    await checked(t, async () => {
      const early = await harness.browser.context.newPage();
      await early.goto(`${harness.base}/dashboard/?cutoff=${EXPECTED.earlyCutoff}&lang=zh-CN`);
      await early.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
      assert.equal(await early.getAttribute('html', 'lang'), 'zh-CN');
      assert.equal(await early.locator('[data-testid="cutoff"]').textContent(), `数据截止日期: ${EXPECTED.earlyCutoff}`);
      assert.equal(await early.locator('#overview-title').textContent(), '疗效概览');
      await screenshotFor(early, 'DASHBOARD_SCREENSHOT_ZH');
      assert.match(await early.locator('[data-testid="efficacy-cards"] [data-key="orr"] .card-label').textContent(), /客观缓解率/);
      assert.match(await early.locator('[data-testid="efficacy-cards"] [data-key="dcr"] .card-label').textContent(), /疾病控制率/);
      assert.match(await early.locator('#survival figcaption').first().textContent(), /无进展生存期/);
      assert.match(await early.locator('#survival figcaption').nth(1).textContent(), /总生存期/);
      // DT-05 starts after the cut-off and DT-04's death is after it.
      assert.equal(await early.locator('[data-testid="efficacy-cards"] [data-key="treated"] .card-value').textContent(), '4');
      const bars = await described(early, 'swimmer-plot', 'swimmer_bars');
      assert.deepEqual(bars.map((b) => b.subject).sort(), ['DT-01', 'DT-02', 'DT-03', 'DT-04']);
      assert.ok(bars.every((b) => b['last dose'] <= EXPECTED.earlyCutoff), 'no dose after the cut-off');
      assert.ok(!(await described(early, 'swimmer-plot', 'swimmer_events')).some((e) => e.event === 'death'), 'the death after the cut-off is not shown');
      // The picker switches back to English and remembers it.
      await Promise.all([early.waitForNavigation(), early.selectOption('#language', 'en')]);
      await early.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
      assert.equal(await early.locator('#overview-title').textContent(), 'Efficacy overview');
      await early.close();
    });
  });

  test('an unknown study gets a plain message and the studies there are', async (t) => {
    await checked(t, async () => {
      const unknown = await harness.browser.context.newPage();
      await unknown.goto(`${harness.base}/dashboard/?study=no-such-study&lang=en`);
      await unknown.waitForSelector('body[data-state="unknown-study"]');
      assert.equal(await unknown.locator('#unknown-study h2').textContent(), 'There is no study "no-such-study" on this server.');
      assert.ok((await unknown.locator('#unknown-study li a').allTextContents()).some((text) => text.startsWith('ak104-rcc-2l')));
      await unknown.close();
    });
  });

  test('each plot downloads as a standalone SVG file', async (t) => {
    await checked(t, async () => {
      for (const [file, testId, layer] of [
        ['waterfall.svg', 'waterfall-plot', 'waterfall_bars'],
        ['swimmer.svg', 'swimmer-plot', 'swimmer_events'],
        ['km-pfs.svg', 'km-pfs', 'km_at_risk'],
        ['km-os.svg', 'km-os', 'km_censored'],
        ['enrollment-by-site.svg', 'enrollment-plot', 'site_bars'],
        ['adverse-events.svg', 'safety-plot', 'ae_any_grade'],
      ]) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.click(`button[data-download="${file}"]`)]);
        assert.equal(download.suggestedFilename(), file);
        const svg = readFileSync(await download.path(), 'utf8');
        assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/, file);
        // The file holds the page's plot: the same layer with the same marks, in the same order.
        const groups = [...svg.matchAll(new RegExp(`<g class="[^"]*\\b${layer}_marks"[^>]*>(.*?)</g>`, 'g'))].map((m) => m[1]);
        const labels = groups.flatMap((group) => [...group.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]));
        assert.ok(labels.length > 0, `${file} has the ${layer} marks`);
        assert.deepEqual(labels, await attr(marks(page, testId, layer), 'aria-label'), `${file} marks`);
      }
      const waterfall = readFileSync(await (await Promise.all([page.waitForEvent('download'), page.click('button[data-download="waterfall.svg"]')]))[0].path(), 'utf8');
      const bars = [...waterfall.matchAll(/aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="bar"/g)];
      assert.equal(bars.length, EXPECTED.waterfall.length);
      assert.deepEqual(bars.map((m) => readDescription(m[1]).subject), EXPECTED.waterfall.map((b) => b.label));
    });
  });

  test('sends the bearer token from sessionStorage, and asks for one on 401', async (t) => {
    await checked(t, async () => {
      const withToken = await harness.browser.context.newPage();
      const authorizations = new Set();
      withToken.on('request', (r) => {
        if (new URL(r.url()).pathname.startsWith('/fhir/')) authorizations.add(r.headers().authorization ?? 'none');
      });
      await withToken.addInitScript(() => sessionStorage.setItem('fhirtrial.accessToken', 'test-token-123'));
      await withToken.goto(`${harness.base}/dashboard/?date=${EXPECTED.eligibilityDate}&lang=en`);
      await withToken.waitForSelector('body[data-state="ready"]', { timeout: 90_000 });
      assert.deepEqual([...authorizations], ['Bearer test-token-123']);
      await withToken.close();

      const refused = await harness.browser.context.newPage();
      await refused.route('**/fhir/**', (route) => route.fulfill({
        status: 401,
        contentType: 'application/fhir+json',
        body: JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', diagnostics: 'Sign in first' }] }),
      }));
      await refused.goto(`${harness.base}/dashboard/`);
      await refused.waitForSelector('#auth form.signin input#token');
      await refused.fill('#token', 'pasted-token');
      await Promise.all([refused.waitForNavigation(), refused.click('#auth form.signin button')]);
      assert.equal(await refused.evaluate(() => sessionStorage.getItem('fhirtrial.accessToken')), 'pasted-token');
      await refused.close();
    });
  });

  test('the page raised no script errors', async (t) => {
    await checked(t, async () => {
      assert.deepEqual(pageErrors.filter((e) => !e.includes('401')), []);
    });
  });
});

// The study dashboard in real headless Chromium against the real server on a small seeded study with known answers.
// Run: npm ci && npm test (after `dotnet build src/FhirTrial.Server`). On failure a screenshot, the page's HTML and the
// server's log land in artifacts/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Harness, attr } from './lib/harness.js';
import { EXPECTED, seed } from './lib/seed.js';

const harness = new Harness('seeded');
let page;
const pageErrors = harness.pageErrors;
const checked = (t, check) => harness.checked(t, check);

describe('study dashboard', () => {
  before(async () => {
    await harness.start(seed);
    page = await harness.open(`?date=${EXPECTED.eligibilityDate}`);
  });

  after(() => harness.stop());

  test('every panel loads without errors', async (t) => {
    await checked(t, async () => {
      const states = await page.locator('section.panel').evaluateAll((nodes) => nodes.map((n) => `${n.id}:${n.dataset.state}`));
      assert.deepEqual(states, ['overview', 'enrollment', 'waterfall', 'swimmer', 'survival', 'safety', 'eligibility'].map((id) => `${id}:ready`));
      assert.match(await page.locator('#study-title').textContent(), /Cadonilimab/);
    });
  });

  test('enrollment by site against the Simon design', async (t) => {
    await checked(t, async () => {
      const plot = page.locator('[data-testid="enrollment-plot"]');
      for (const [site, count] of Object.entries(EXPECTED.enrollment)) {
        const id = site === 'total' ? 'total' : site;
        assert.equal(await plot.locator(`g.site[data-site="${id}"]`).getAttribute('data-count'), String(count), site);
        assert.equal(await plot.locator(`g.site[data-site="${id}"] text.count`).textContent(), String(count), `${site} label`);
      }
      assert.equal(await plot.locator('[data-marker="Target (28)"]').count(), 1);
      assert.equal(await plot.locator('[data-marker="Stage 1 (12)"]').count(), 1);
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
      assert.match(await card('orr'), new RegExp(`^${EXPECTED.efficacy.orr.replace('.', '\\.')} \\(95% CI`));
      assert.equal(await card('dcr'), EXPECTED.efficacy.dcr);
      const chips = await page.locator('[data-testid="bor-counts"] [data-bor]').evaluateAll((nodes) => Object.fromEntries(nodes.map((n) => [n.dataset.bor, n.textContent])));
      assert.deepEqual(chips, Object.fromEntries(Object.entries(EXPECTED.bor).map(([code, n]) => [code, `${code} ${n}`])));
    });
  });

  test('waterfall has one bar per measured subject, in order, with value and colour by response', async (t) => {
    await checked(t, async () => {
      const bars = page.locator('[data-testid="waterfall-plot"] g.bar');
      assert.equal(await bars.count(), EXPECTED.waterfall.length);
      assert.deepEqual(await attr(bars, 'data-subject'), EXPECTED.waterfall.map((b) => b.subject));
      assert.deepEqual(await attr(bars, 'data-value'), EXPECTED.waterfall.map((b) => b.value));
      assert.deepEqual(await attr(bars, 'data-response'), EXPECTED.waterfall.map((b) => b.response));
      assert.deepEqual(await bars.locator('text.value').allTextContents(), EXPECTED.waterfall.map((b) => b.text));
      assert.deepEqual(await bars.locator('text.subject').allTextContents(), EXPECTED.waterfall.map((b) => b.label));
      const fills = await bars.locator('rect').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('fill')));
      assert.equal(fills[1], fills[2], 'both SD bars share a colour');
      assert.equal(new Set(fills).size, 3, 'PD, SD and PR bars differ');
      // Bars below zero for shrinkage, above for growth.
      const heights = await bars.locator('rect').evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('height'))));
      assert.ok(heights[3] > heights[0] && heights[0] > heights[2] && heights[2] > heights[1], 'bar lengths follow |value|');
    });
  });

  test('swimmer plot shows time on treatment with response, progression and death markers', async (t) => {
    await checked(t, async () => {
      const rows = await page.locator('[data-testid="swimmer-plot"] g.swim').evaluateAll((nodes) => nodes.map((n) => ({
        subject: n.dataset.subject,
        days: Number(n.dataset.days),
        response: n.dataset.response,
        markers: [...n.querySelectorAll('[data-marker]')].map((m) => `${m.dataset.marker}${m.dataset.day ? `@${m.dataset.day}` : ''}`).sort(),
      })));
      assert.deepEqual(rows.map((r) => r.subject), ['dt-rs01', 'dt-rs03', 'dt-rs04', 'dt-rs02', 'dt-rs05'], 'longest first');
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
      const atRisk = (key) => page.locator(`[data-testid="km-${key}"] .at-risk [data-at-risk]`).allTextContents();
      assert.deepEqual((await atRisk('pfs')).map(Number), EXPECTED.pfsAtRisk);
      assert.deepEqual((await atRisk('os')).map(Number), EXPECTED.osAtRisk);
      assert.equal(await page.locator('[data-testid="km-pfs"] .median').getAttribute('data-median'), String(EXPECTED.pfsMedian));
      assert.equal(await page.locator('[data-testid="km-os"] .median').getAttribute('data-median'), '', 'OS median not reached');
      // One censoring mark where DT-01 and DT-03 leave the PFS risk set together at day 84, one for DT-05 is at day 0 (not drawn).
      assert.deepEqual(await attr(page.locator('[data-testid="km-pfs"] .censored [data-day]'), 'data-censored'), ['2']);
      const d = await page.locator('[data-testid="km-pfs"] path.km-curve').getAttribute('d');
      assert.equal((d.match(/V/g) ?? []).length, 4, 'one step per time in the curve');
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
      assert.equal(await page.locator('[data-testid="safety-summary"] [data-key="grade5Ae"]').getAttribute('data-count'), String(EXPECTED.safety.grade5Ae));
      assert.equal(await page.locator('[data-testid="safety-plot"] g.term[data-term="10020772"]').getAttribute('data-subjects'), '2');
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

  test('each plot downloads as a standalone SVG file', async (t) => {
    await checked(t, async () => {
      for (const [file, testId, mark] of [
        ['waterfall.svg', 'waterfall-plot', 'class="bar"'],
        ['swimmer.svg', 'swimmer-plot', 'class="swim"'],
        ['km-pfs.svg', 'km-pfs', 'class="km-curve"'],
        ['km-os.svg', 'km-os', 'class="km-curve"'],
        ['enrollment-by-site.svg', 'enrollment-plot', 'class="site"'],
        ['adverse-events.svg', 'safety-plot', 'class="term"'],
      ]) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.click(`button[data-download="${file}"]`)]);
        assert.equal(download.suggestedFilename(), file);
        const svg = readFileSync(await download.path(), 'utf8');
        assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/, file);
        assert.ok(svg.includes(`data-testid="${testId}"`), `${file} is the ${testId}`);
        assert.ok(svg.includes(mark), `${file} has its marks`);
      }
      const waterfall = readFileSync(await (await Promise.all([page.waitForEvent('download'), page.click('button[data-download="waterfall.svg"]')]))[0].path(), 'utf8');
      assert.equal((waterfall.match(/class="bar"/g) ?? []).length, EXPECTED.waterfall.length);
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
      await withToken.goto(`${harness.base}/dashboard/?date=${EXPECTED.eligibilityDate}`);
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

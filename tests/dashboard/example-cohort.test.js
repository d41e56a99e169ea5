// The dashboard on the example study (fhir-examples/cohort/ Bundles): every plot agrees with the FHIR API and the
// trial operations the test calls itself. DASHBOARD_SCREENSHOT=<path> saves a full-page screenshot of it there
// (`npm run screenshot` writes docs/dashboard.png).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './lib/server.js';
import { Harness, attr, described, params, screenshotFor } from './lib/harness.js';
import { EXPECTED, postBundle, screeningEntries } from './lib/seed.js';

const COHORT = join(REPO_ROOT, 'fhir-examples', 'cohort');
const DAYS_PER_MONTH = 30.4375;
const harness = new Harness('cohort');
let page;
let subjects;

/** The example Bundles as they are, plus two patients off study for the eligibility panel to screen. */
async function loadCohort(base) {
  const files = readdirSync(COHORT).filter((f) => f.endsWith('.json')).sort();
  assert.ok(files.length > 0, `no example Bundles in ${COHORT}`);
  for (const file of files) await postBundle(base, readFileSync(join(COHORT, file), 'utf8'));
  await postBundle(base, { resourceType: 'Bundle', type: 'transaction', entry: screeningEntries() });
}

describe('dashboard on the example cohort', () => {
  before(async () => {
    await harness.start(loadCohort);
    const bundle = await harness.fhir('ResearchSubject?study=ResearchStudy/ak104-rcc-2l&_include=ResearchSubject:individual&_count=500');
    const patients = new Map(bundle.entry.filter((e) => e.resource.resourceType === 'Patient').map((e) => [e.resource.id, e.resource]));
    subjects = [];
    for (const { resource } of bundle.entry.filter((e) => e.resource.resourceType === 'ResearchSubject')) {
      const patient = patients.get(resource.individual.reference.split('/').at(-1));
      const recist = params(await harness.fhir(`ResearchSubject/${resource.id}/$recist-response`));
      subjects.push({ id: resource.id, site: patient.managingOrganization.reference.split('/').at(-1), recist });
    }
    page = await harness.open(`?date=${EXPECTED.eligibilityDate}`);
  });

  after(() => harness.stop());

  test('every panel loads', async (t) => {
    await harness.checked(t, async () => {
      const states = await page.locator('section.panel').evaluateAll((nodes) => nodes.map((n) => `${n.id}:${n.dataset.state}`));
      assert.ok(states.every((s) => s.endsWith(':ready')), states.join(', '));
      assert.deepEqual(harness.pageErrors, []);
      await screenshotFor(page);
    });
  });

  test('enrollment per site matches the ResearchSubjects and their patients', async (t) => {
    await harness.checked(t, async () => {
      const expected = {};
      for (const s of subjects) expected[s.site] = (expected[s.site] ?? 0) + 1;
      const shown = Object.fromEntries((await described(page, 'enrollment-plot', 'site_bars')).map((b) => [b['site id'], Number(b.enrolled)]));
      for (const [site, count] of Object.entries(expected)) assert.equal(shown[site], count, site);
      assert.equal(shown.total, subjects.length);
    });
  });

  test('waterfall shows each subject\'s best change and best overall response from $recist-response', async (t) => {
    await harness.checked(t, async () => {
      const expected = subjects
        .map((s) => ({ s, changes: (s.recist.timepoint ?? []).map((tp) => tp.changeFromBaseline).filter((v) => typeof v === 'number') }))
        .filter(({ changes }) => changes.length)
        .map(({ s, changes }) => ({ id: s.id, value: Math.min(...changes).toFixed(1), response: s.recist.bestOverallResponse }))
        .sort((a, b) => Number(b.value) - Number(a.value));
      const bars = await described(page, 'waterfall-plot', 'waterfall_bars');
      assert.equal(bars.length, expected.length);
      assert.deepEqual(bars.map((b) => Number(b['best change'].replace('\u2212', '-').replace('%', '')).toFixed(1)), expected.map((e) => e.value));
      const shown = new Map(bars.map((b) => [b.resource, b]));
      for (const e of expected) assert.equal(shown.get(`ResearchSubject/${e.id}`)?.['best overall response'], e.response, e.id);
    });
  });

  test('swimmer rows carry the operation\'s response and progression dates', async (t) => {
    await harness.checked(t, async () => {
      const bars = await described(page, 'swimmer-plot', 'swimmer_bars');
      const events = await described(page, 'swimmer-plot', 'swimmer_events');
      const treated = params(await harness.fhir('ResearchStudy/ak104-rcc-2l/$efficacy')).treated;
      assert.equal(bars.length, treated);
      for (const bar of bars) {
        const id = bar.resource.replace('ResearchSubject/', '');
        const s = subjects.find((x) => x.id === id);
        const has = (event) => events.some((e) => e.subject === bar.subject && e.event === event);
        assert.equal(bar['best overall response'], s.recist.bestOverallResponse ?? 'NE', id);
        assert.equal(has('progression'), Boolean(s.recist.progressionDate), `${id} progression marker`);
        assert.equal(has('first response'), Boolean(s.recist.firstResponseDate), `${id} response marker`);
      }
      // Without a cut-off "today" is long after the example cohort's last doses: nobody is drawn as still on treatment.
      assert.ok(!events.some((e) => e.event === 'on treatment'), 'no "on treatment" arrow long after the last dose');
    });
  });

  test('Kaplan-Meier numbers at risk follow the $efficacy curves', async (t) => {
    await harness.checked(t, async () => {
      const efficacy = params(await harness.fhir('ResearchStudy/ak104-rcc-2l/$efficacy'));
      for (const key of ['pfs', 'os']) {
        const points = [...(efficacy[key].point ?? [])].sort((a, b) => a.time - b.time);
        const cells = await described(page, `km-${key}`, 'km_at_risk');
        const months = cells.map((c) => Number(c.month));
        const shown = cells.map((c) => Number(c['at risk']));
        assert.equal(shown[0], points[0]?.atRisk ?? 0, `${key} at risk at 0`);
        assert.deepEqual(shown, months.map((m) => points.find((p) => p.time >= m * DAYS_PER_MONTH)?.atRisk ?? 0), key);
        const [median] = await described(page, `km-${key}`, 'km_median');
        assert.equal(median['median days'], String(efficacy[key].median ?? 'not reached'), `${key} median`);
      }
    });
  });

  test('quality of life: mean scale scores by visit, with as many QLQ-C30 responses as the server holds', async (t) => {
    await harness.checked(t, async () => {
      const bundle = await harness.fhir('QuestionnaireResponse?_count=500');
      const c30 = (bundle.entry ?? []).filter((e) => e.resource.questionnaire?.endsWith('/eortc-qlq-c30')).length;
      assert.ok(c30 > 0, 'the example cohort has QLQ-C30 responses');
      const cells = page.locator('[data-testid="qol-table"] tr[data-scale="QL2"] td[data-n]');
      assert.equal((await attr(cells, 'data-n')).map(Number).reduce((a, b) => a + b, 0), c30);
      assert.ok((await described(page, 'qol-plot', 'qol_points')).every((p) => Number(p.mean) >= 0 && Number(p.mean) <= 100));
    });
  });

  test('eligibility screening shows each candidate\'s $eligibility outcome', async (t) => {
    await harness.checked(t, async () => {
      for (const [patient, e] of Object.entries(EXPECTED.eligibility)) {
        const row = page.locator(`[data-testid="eligibility-table"] tr[data-patient="${patient}"]`);
        assert.equal(await row.getAttribute('data-outcome'), e.outcome, patient);
      }
      assert.equal(await page.locator('[data-testid="eligibility-table"] tr[data-patient]').count(), Object.keys(EXPECTED.eligibility).length);
    });
  });

  test('safety table rows and plot bars match $safety', async (t) => {
    await harness.checked(t, async () => {
      const safety = params(await harness.fhir('ResearchStudy/ak104-rcc-2l/$safety'));
      const rows = page.locator('[data-testid="safety-table"] tbody tr[data-term]');
      // Every $safety term once, grouped by the system organ class $safety names for it (ADR 0008).
      assert.deepEqual((await attr(rows, 'data-term')).slice().sort(), (safety.term ?? []).map((term) => term.code.code).sort());
      const socs = await attr(rows, 'data-soc');
      assert.deepEqual(socs.filter((soc, i) => soc !== socs[i - 1]), [...new Set(socs)], 'rows of one SOC stand together');
      for (const term of safety.term ?? []) {
        const row = page.locator(`[data-testid="safety-table"] tr[data-term="${term.code.code}"]`);
        assert.match(await row.locator('[data-col="subjects"]').textContent(), new RegExp(`^${term.subjects} \\(`), term.code.code);
        assert.equal(await row.getAttribute('data-soc'), term.soc?.[0]?.code ?? term.soc?.[0]?.display ?? term.soc?.code ?? term.soc?.display, term.code.code);
      }
      const bars = await described(page, 'safety-plot', 'ae_any_grade');
      assert.deepEqual(bars.map((b) => [b.code, Number(b['any grade']), Number(b['grade \u22653'])]),
        (safety.term ?? []).slice(0, 25).map((term) => [term.code.code, term.subjects, term.grade3Subjects ?? 0]));
    });
  });
});

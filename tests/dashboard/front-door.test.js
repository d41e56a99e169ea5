// The front door, the HTML view of FHIR URLs, upload and /docs in real headless Chromium against the real server on
// the seeded study. FRONT_DOOR_SCREENSHOT=<dir> saves screenshots there (`npm run screenshot` writes docs/).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Harness, attr, screenshotFor } from './lib/harness.js';
import { seed } from './lib/seed.js';

const harness = new Harness('front');
const files = mkdtempSync(join(tmpdir(), 'fhirtrial-upload-'));

async function open(path) {
  const page = await harness.browser.context.newPage();
  page.on('pageerror', (error) => harness.pageErrors.push(`pageerror: ${error.message}`));
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${harness.base}${path}`);
  harness.page = page;
  return { page, requests };
}

describe('front door, HTML view, upload and docs', () => {
  before(() => harness.start(seed));
  after(() => harness.stop());

  test('the front door counts the trial types from the API, links each type\'s search form, and speaks Chinese', async (t) => {
    await harness.checked(t, async () => {
      const { page } = await open('/?lang=en');
      await page.waitForSelector('body[data-state="ready"]');
      const patients = (await harness.fhir('Patient?_summary=count')).total;
      assert.equal(await page.locator('[data-testid="type-counts"] tr[data-type="Patient"] td[data-count]').getAttribute('data-count'), String(patients));
      assert.equal(await page.locator('[data-testid="type-counts"] a[data-search="Observation"]').getAttribute('href'), '/fhir/Observation');
      for (const link of ['/dashboard/', '/docs', '/fhir/metadata']) assert.equal(await page.locator(`a[href="${link}"]`).count(), 1, link);
      await screenshotFor(page, 'FRONT_DOOR_SCREENSHOT');

      await Promise.all([page.waitForNavigation(), page.selectOption('#language', 'zh-CN')]);
      await page.waitForSelector('body[data-state="ready"]');
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      assert.equal(await page.locator('h2[data-i18n="front.types"]').textContent(), '资源类型');
      assert.equal(await page.locator('a[href="/dashboard/"]').textContent(), '研究仪表板');
      await page.selectOption('#language', 'en');
      await page.close();
    });
  });

  test('a browser asking for a resource gets its narrative, pretty JSON and links to what it references and its history', async (t) => {
    await harness.checked(t, async () => {
      const { page } = await open('/fhir/ResearchSubject/dt-rs01');
      await page.waitForSelector('body[data-state="ready"] [data-testid="resource"]');
      assert.equal(await page.locator('[data-testid="resource"] h1').textContent(), 'ResearchSubject/dt-rs01');
      const references = await attr(page.locator('[data-testid="references"] a'), 'href');
      assert.deepEqual(references.sort(), ['/fhir/Patient/dt-p01', '/fhir/ResearchStudy/ak104-rcc-2l']);
      assert.ok(await page.locator('[data-testid="json"] a[href="/fhir/Patient/dt-p01"]').count() >= 1, 'the reference in the JSON is a link');
      assert.match(await page.locator('[data-testid="json"]').textContent(), /"resourceType": "ResearchSubject"/);
      // A narrative is shown in a sandboxed frame (no scripts, no same origin), never in the page itself.
      const narrated = await fetch(`${harness.base}/fhir/Organization/narrated`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/fhir+json' },
        body: JSON.stringify({ resourceType: 'Organization', id: 'narrated', name: 'Narrated', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>Narrative of the test</p></div>' } }),
      });
      assert.ok(narrated.ok, await narrated.text());
      await page.goto(`${harness.base}/fhir/Organization/narrated`);
      await page.waitForSelector('body[data-state="ready"]');
      assert.equal(await page.locator('iframe.narrative').getAttribute('sandbox'), '');
      assert.equal(await page.frameLocator('iframe.narrative').locator('p').textContent(), 'Narrative of the test');
      await Promise.all([page.waitForNavigation(), page.click('[data-testid="history-link"]')]);
      await page.waitForSelector('body[data-state="ready"] [data-testid="bundle"]');
      assert.ok(await page.locator('[data-testid="bundle"] tr[data-entry="Organization/narrated"]').count() >= 1);
      await page.close();
    });
  });

  test('a type shows its search form; searching shows the matches as links', async (t) => {
    await harness.checked(t, async () => {
      const { page } = await open('/fhir/Patient');
      await page.waitForSelector('body[data-state="ready"] [data-testid="search-form"]');
      assert.ok(await page.locator('#search-params option[value="family"]').count() === 1, 'the CapabilityStatement\'s parameters are offered');
      await page.fill('[data-testid="search-form"] .param', 'identifier');
      await page.fill('[data-testid="search-form"] .value', 'MRN-02');
      await Promise.all([page.waitForNavigation(), page.click('[data-testid="search-form"] button[type="submit"]')]);
      await page.waitForSelector('body[data-state="ready"] [data-testid="bundle"]');
      assert.deepEqual(await attr(page.locator('[data-testid="bundle"] tr[data-entry]'), 'data-entry'), ['Patient/dt-p02']);
      assert.equal(new URL(page.url()).search, '?identifier=MRN-02');
      await page.close();
    });
  });

  test('upload of a Bundle shows the transaction-response, of a bad ndjson line its OperationOutcome message', async (t) => {
    await harness.checked(t, async () => {
      const good = join(files, 'bundle.json');
      writeFileSync(good, JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [
        { resource: { resourceType: 'Organization', id: 'up-org', name: 'Uploaded' }, request: { method: 'PUT', url: 'Organization/up-org' } },
      ] }));
      const { page } = await open('/?lang=en');
      await page.waitForSelector('body[data-state="ready"]');
      await page.setInputFiles('#upload-file', good);
      await page.click('#upload-button');
      await page.waitForSelector('#upload-result [data-testid="upload-response"]');
      assert.equal(await page.locator('#upload-result').getAttribute('data-status'), '200');
      assert.match(await page.locator('#upload-result tr').first().textContent(), /^201/);
      assert.equal((await harness.fhir('Organization/up-org')).name, 'Uploaded');

      const bad = join(files, 'bad.ndjson');
      writeFileSync(bad, `${JSON.stringify({ resourceType: 'Patient', id: 'up-bad', birthDate: 'yesterday' })}\n`);
      await page.setInputFiles('#upload-file', bad);
      await page.click('#upload-button');
      await page.waitForFunction(() => document.querySelector('#upload-result')?.textContent.includes('birthDate'));
      assert.doesNotMatch(await page.locator('#upload-result').textContent(), /LineNumber|BytePositionInLine/);
      await page.close();
    });
  });

  test('/docs loads nothing from other hosts and offers no AI, SDK or deploy buttons', async (t) => {
    await harness.checked(t, async () => {
      const { page, requests } = await open('/docs/');
      await page.waitForFunction(() => document.body.innerText.includes('FhirTrial FHIR R4 server'), null, { timeout: 60_000 });
      const foreign = requests.filter((url) => !url.startsWith(harness.base) && !url.startsWith('data:') && !url.startsWith('blob:'));
      assert.deepEqual(foreign, []);
      const text = await page.locator('body').innerText();
      for (const button of ['Ask AI', 'Generate SDK', 'Deploy', 'Share']) assert.ok(!text.includes(button), button);
      await page.close();
    });
  });

  test('the pages raised no script errors', async (t) => {
    await harness.checked(t, async () => assert.deepEqual(harness.pageErrors, []));
  });
});

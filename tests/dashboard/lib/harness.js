// Shared by the test files: one server and one browser per file, screenshots and HTML kept when a check fails.

import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.js';
import { launchBrowser } from './browser.js';

export const HERE = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ARTIFACTS = join(HERE, 'artifacts');

export class Harness {
  constructor(name) {
    this.name = name;
    this.pageErrors = [];
  }

  async start(seed) {
    // Artifacts of this file's earlier runs go; a fresh failure writes its own.
    for (const file of existsSync(ARTIFACTS) ? readdirSync(ARTIFACTS) : []) {
      if (file.startsWith(`${this.name}-`)) rmSync(join(ARTIFACTS, file), { force: true });
    }
    this.browser = await launchBrowser(); // first: a missing Chromium fails at once
    this.server = await startServer();
    await seed(this.server.base);
  }

  async stop() {
    await this.browser?.close();
    await this.server?.stop();
  }

  get base() {
    return this.server.base;
  }

  /** Opens the dashboard and waits until every panel has settled; script errors are collected in pageErrors. */
  async open(query = '') {
    const page = await this.browser.context.newPage();
    page.on('pageerror', (error) => this.pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.pageErrors.push(`console: ${message.text()} (${message.location().url})`);
    });
    await page.goto(`${this.base}/dashboard${query}`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
    this.page = page;
    return page;
  }

  /** Runs a check; when it fails, keeps a screenshot, the page's HTML and the server's log in artifacts/. */
  async checked(t, check) {
    try {
      await check();
    } catch (error) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const name = `${this.name}-${t.name}`.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
      if (this.page && !this.page.isClosed()) {
        await this.page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true }).catch(() => {});
        writeFileSync(join(ARTIFACTS, `${name}.html`), await this.page.content().catch(() => ''));
      }
      if (this.server) writeFileSync(join(ARTIFACTS, `${name}.server.log`), this.server.log.join(''));
      throw error;
    }
  }

  /** GET a FHIR URL from the test itself (to compare the page with the API). */
  async fhir(path) {
    const response = await fetch(`${this.base}/fhir/${path}`, { headers: { Accept: 'application/fhir+json' } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }
}

export const attr = (locator, name) => locator.evaluateAll((nodes, n) => nodes.map((node) => node.getAttribute(n)), name);

/** A mark's description as the dashboard writes it ("key: value; key: value"), as an object. */
export function readDescription(label) {
  return Object.fromEntries(label.split('; ').map((pair) => {
    const colon = pair.indexOf(': ');
    return [pair.slice(0, colon), pair.slice(colon + 2)];
  }));
}

/** The marks of one Vega-Lite layer (by its name) in the plot marked data-testid, in drawing order. */
export function marks(page, testId, layer) {
  return page.locator(`[data-testid="${testId}"] svg g.${layer}_marks > *`);
}

/** The descriptions of those marks (their aria-labels), read as objects. */
export async function described(page, testId, layer) {
  return (await attr(marks(page, testId, layer), 'aria-label')).map(readDescription);
}

/** A Parameters resource as an object: repeated names become arrays (the same reading as the page's). */
export function params(resource, repeated = new Set(['timepoint', 'point', 'term', 'criterion', 'bor', 'evidence'])) {
  const list = Array.isArray(resource) ? resource : resource.parameter ?? [];
  const out = {};
  for (const c of list) {
    const value = c.part ? params(c.part, repeated) : Object.entries(c).find(([k]) => k.startsWith('value'))?.[1];
    if (repeated.has(c.name)) (out[c.name] ??= []).push(value);
    else out[c.name] = value;
  }
  return out;
}

/** Saves a full-page screenshot to DASHBOARD_SCREENSHOT (relative to tests/dashboard) when that is set. */
export async function screenshotFor(page, variable = 'DASHBOARD_SCREENSHOT') {
  if (!process.env[variable]) return;
  const path = resolve(HERE, process.env[variable]);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
}

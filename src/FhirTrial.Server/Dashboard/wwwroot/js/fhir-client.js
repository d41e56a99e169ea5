// The dashboard's only door to data: the server's FHIR API (and its trial operations), over fetch,
// with the bearer token of the signed-in user when there is one.

/** sessionStorage key of the access token; the login flow (or the token box on a 401) puts it there. */
export const TOKEN_KEY = 'fhirtrial.accessToken';

export class FhirError extends Error {
  constructor(status, message, outcome) {
    super(message);
    this.name = 'FhirError';
    this.status = status;
    this.outcome = outcome;
  }
}

export function readToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || null;
  } catch {
    return null; // storage disabled
  }
}

export function storeToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token.trim());
  else sessionStorage.removeItem(TOKEN_KEY);
}

export class FhirClient {
  /** @param {string | URL} base the FHIR base, by default /fhir/ beside /dashboard/. */
  constructor(base = new URL('../fhir/', document.baseURI)) {
    this.base = new URL(base);
    if (!this.base.pathname.endsWith('/')) this.base.pathname += '/';
    this.onUnauthorized = () => {};
  }

  url(path, params = {}) {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [name, value] of Object.entries(params)) {
      if (value === undefined || value === null || value === '') continue;
      for (const v of [].concat(value)) url.searchParams.append(name, String(v));
    }
    return url;
  }

  /** GET a FHIR URL (relative to the base, or absolute on the same server) and return the parsed JSON. */
  async get(path, params = {}) {
    const url = /^https?:/.test(path) ? new URL(path) : this.url(path, params);
    if (url.origin !== this.base.origin) throw new FhirError(0, `Refusing to follow a link off this server: ${url}`);
    const headers = { Accept: 'application/fhir+json' };
    const token = readToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetch(url, { headers, credentials: 'same-origin' });
    } catch (error) {
      throw new FhirError(0, `The server did not answer (${error.message}).`);
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized();
      throw new FhirError(response.status, outcomeText(body) || `${response.status} ${response.statusText}`, body);
    }
    return body;
  }

  read(type, id) {
    return this.get(`${type}/${encodeURIComponent(id)}`);
  }

  /** Runs a GET operation, e.g. operation('ResearchStudy/x/$efficacy'); returns the Parameters resource. */
  operation(path, params = {}) {
    return this.get(path, params);
  }

  /**
   * Every resource that a search matches, following the Bundle's `next` links. Resources from _include come back
   * too; filter by resourceType. Stops after `max` matches so a huge server cannot stall the page.
   */
  async searchAll(type, params = {}, { max = 5000, pageSize = 500 } = {}) {
    const resources = [];
    let bundle = await this.get(type, { _count: pageSize, ...params });
    let truncated = false;
    for (;;) {
      for (const entry of bundle.entry ?? []) if (entry.resource) resources.push(entry.resource);
      const next = (bundle.link ?? []).find((link) => link.relation === 'next')?.url;
      if (!next) break;
      if (resources.length >= max) {
        truncated = true;
        break;
      }
      bundle = await this.get(next);
    }
    resources.truncated = truncated;
    return resources;
  }
}

function outcomeText(body) {
  if (body?.resourceType !== 'OperationOutcome') return '';
  return (body.issue ?? []).map((issue) => issue.diagnostics || issue.details?.text || issue.code).filter(Boolean).join('; ');
}

/** Runs fn over items with at most `limit` calls in flight; results keep the items' order. */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// The HTML view of a FHIR URL for a browser (/fhir/... asked with Accept: text/html): the page the server sends holds
// no data; this module reads the same URL from the FHIR API (with the signed-in user's token, under the same
// authorization as any client) and shows a resource (narrative, pretty JSON with links), a search result, or the
// OperationOutcome of a refusal.

import { FhirClient, readToken, storeToken } from './fhir-client.js';
import { h } from './dom.js';
import { lang, number, t } from './i18n.js';
import { outcomeView, referencePath } from './fhir-views.js';

const client = new FhirClient(new URL('/fhir/', location.origin));
const main = document.getElementById('view');

run().catch((error) => {
  main.replaceChildren(h('p', { class: 'error', role: 'alert', text: error.message }));
  document.body.dataset.state = 'error';
});

async function run() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  client.onUnauthorized = signIn;
  const url = new URL(location.href);
  const raw = new URL(url);
  raw.searchParams.set('_format', 'json');
  document.getElementById('raw').href = raw.pathname + raw.search;
  document.getElementById('where').textContent = decodeURIComponent(url.pathname + url.search);

  const segments = url.pathname.replace(/^\/fhir\/?/, '').split('/').filter(Boolean);
  const isType = segments.length === 1 && /^[A-Z][A-Za-z]+$/.test(segments[0]);
  const nodes = [];
  if (isType) nodes.push(await searchForm(segments[0], url.searchParams));
  let body;
  try {
    body = await client.get(url.href);
  } catch (error) {
    nodes.push(outcomeView(error.status, error.outcome, error.message));
    main.replaceChildren(...nodes);
    document.body.dataset.state = 'ready';
    return;
  }
  if (body?.resourceType === 'Bundle') nodes.push(bundleView(body));
  else if (body?.resourceType === 'OperationOutcome') nodes.push(outcomeView(200, body));
  else nodes.push(resourceView(body));
  main.replaceChildren(...nodes);
  document.title = `${decodeURIComponent(url.pathname)} · FhirTrial`;
  document.body.dataset.state = 'ready';
}

function resourceView(resource) {
  const path = `/fhir/${resource.resourceType}/${encodeURIComponent(resource.id ?? '')}`;
  const references = [...new Set(collectReferences(resource))];
  const narrative = resource.text?.div
    // The narrative is stored XHTML: shown in a sandbox (no scripts, no same origin), never in this page.
    ? h('iframe', { class: 'narrative', sandbox: '', title: t('browse.narrative'), srcdoc: `<!doctype html><meta charset="utf-8"><body style="font-family:system-ui,sans-serif">${resource.text.div}` })
    : h('p', { class: 'muted', text: t('browse.noNarrative') });
  return h('article', { class: 'resource', 'data-testid': 'resource' }, [
    h('h1', { text: `${resource.resourceType}/${resource.id ?? ''}` }),
    h('p', { class: 'small' }, [
      resource.meta?.versionId ? `v${resource.meta.versionId} · ${resource.meta.lastUpdated ?? ''} · ` : '',
      h('a', { href: `${path}/_history`, 'data-testid': 'history-link', text: t('browse.history') }),
    ]),
    h('h2', { text: t('browse.narrative') }), narrative,
    references.length ? h('h2', { text: t('browse.references') }) : null,
    references.length ? h('ul', { class: 'references', 'data-testid': 'references' }, references.map((r) => h('li', {}, h('a', { href: r, text: r.replace(/^\/fhir\//, '') })))) : null,
    h('h2', { text: t('browse.json') }),
    h('pre', { class: 'json', 'data-testid': 'json' }, jsonNodes(resource, 0)),
  ]);
}

function collectReferences(value) {
  if (Array.isArray(value)) return value.flatMap(collectReferences);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, v]) => (key === 'reference' ? [referencePath(v)].filter(Boolean) : collectReferences(v)));
  }
  return [];
}

/** Pretty JSON as DOM nodes (text only, never HTML), with every `reference` to this server a link. */
function jsonNodes(value, depth, key) {
  const pad = '  '.repeat(depth);
  if (Array.isArray(value)) {
    if (!value.length) return ['[]'];
    return ['[\n', ...value.flatMap((v, i) => [pad + '  ', ...jsonNodes(v, depth + 1), i < value.length - 1 ? ',\n' : '\n']), `${pad}]`];
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return ['{}'];
    return ['{\n', ...entries.flatMap(([k, v], i) => [
      `${pad}  ${JSON.stringify(k)}: `, ...jsonNodes(v, depth + 1, k), i < entries.length - 1 ? ',\n' : '\n',
    ]), `${pad}}`];
  }
  const text = JSON.stringify(value);
  const link = key === 'reference' ? referencePath(value) : null;
  return [link ? h('a', { href: link, text }) : text];
}

function summaryOf(resource) {
  const name = resource.name?.[0];
  const person = name && (name.text || [...(name.given ?? []), name.family].filter(Boolean).join(' '));
  return resource.title || (typeof resource.name === 'string' ? resource.name : person) || resource.code?.text
    || resource.code?.coding?.[0]?.display || resource.status || '';
}

function bundleView(bundle) {
  const entries = bundle.entry ?? [];
  const link = (relation) => referencePath((bundle.link ?? []).find((l) => l.relation === relation)?.url);
  const next = link('next');
  const previous = link('previous') ?? link('prev');
  return h('section', { class: 'bundle', 'data-testid': 'bundle' }, [
    h('h1', { text: typeof bundle.total === 'number' ? t('browse.results', { n: number(bundle.total) }) : t('browse.resultsUnknown') }),
    h('table', { class: 'data' }, [
      h('tbody', {}, entries.map((e) => {
        const r = e.resource ?? {};
        const path = r.resourceType && r.id ? `/fhir/${r.resourceType}/${encodeURIComponent(r.id)}${r.resourceType && e.response ? '' : ''}` : null;
        return h('tr', { 'data-entry': r.resourceType && r.id ? `${r.resourceType}/${r.id}` : '' }, [
          h('th', { scope: 'row' }, path ? h('a', { href: path, text: `${r.resourceType}/${r.id}` }) : (e.response?.location ?? r.resourceType ?? '')),
          h('td', { text: e.response?.status ?? summaryOf(r) }),
          h('td', { class: 'muted small', text: e.search?.mode === 'include' ? 'include' : (r.meta?.lastUpdated ?? '') }),
        ]);
      })),
    ]),
    h('p', {}, [
      previous ? h('a', { href: previous, rel: 'prev', text: t('browse.previous') }) : null, ' ',
      next ? h('a', { href: next, rel: 'next', text: t('browse.next') }) : null,
    ]),
  ]);
}

/** A search form for a type: its search parameters from the CapabilityStatement, each row a name and a value. */
async function searchForm(type, current) {
  let names = [];
  try {
    const metadata = await client.get('metadata');
    const resource = (metadata.rest?.[0]?.resource ?? []).find((r) => r.type === type);
    names = (resource?.searchParam ?? []).map((p) => p.name).sort();
  } catch {
    // a form with the common parameters still works
  }
  names = [...new Set(['_id', '_lastUpdated', '_count', ...names])];
  const list = h('datalist', { id: 'search-params' }, names.map((n) => h('option', { value: n })));
  const rows = h('div', { class: 'search-rows' });
  const addRow = (name = '', value = '') => rows.append(h('div', { class: 'search-row' }, [
    h('input', { class: 'param', list: 'search-params', 'aria-label': t('browse.param'), placeholder: t('browse.param'), value: name }),
    h('input', { class: 'value', 'aria-label': t('browse.value'), placeholder: t('browse.value'), value }),
  ]));
  const given = [...current.entries()].filter(([n]) => n !== '_format');
  for (const [n, v] of given) addRow(n, v);
  if (!given.length) addRow();
  const add = h('button', { type: 'button', text: t('browse.add') });
  add.addEventListener('click', () => addRow());
  const form = h('form', { class: 'search', 'data-testid': 'search-form', method: 'get', action: `/fhir/${type}` }, [
    h('h2', { text: t('browse.searchType', { type }) }), list, rows, add, ' ', h('button', { type: 'submit', text: t('front.search') }),
  ]);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const query = new URLSearchParams();
    for (const row of rows.children) {
      const name = row.querySelector('.param').value.trim();
      if (name) query.append(name, row.querySelector('.value').value);
    }
    location.assign(`/fhir/${type}${query.size ? `?${query}` : ''}`);
  });
  return form;
}

function signIn() {
  const box = document.getElementById('auth');
  if (box.childElementCount) return;
  const input = h('input', { type: 'password', id: 'token', autocomplete: 'off', placeholder: t('app.tokenPlaceholder'), 'aria-label': t('app.tokenPlaceholder') });
  const form = h('form', { class: 'signin', role: 'alert' }, [
    h('span', { text: readToken() ? t('app.tokenRefused') : t('app.signInRequired') }), input, h('button', { type: 'submit', text: t('app.useToken') }),
  ]);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    storeToken(input.value);
    location.reload();
  });
  box.replaceChildren(form);
}

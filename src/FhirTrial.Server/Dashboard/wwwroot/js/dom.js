// Small HTML helpers: element creation and the frame every dashboard panel sits in.

import { downloadCsv, downloadSvg } from './download.js';
import { t } from './i18n.js';

/** Creates an HTML element; attrs may hold `class`, `text`, `dataset` and plain attributes. */
export function h(name, attrs = {}, children = []) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of [].concat(children)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return node;
}

/**
 * A panel: heading, optional "Download SVG" button for the plot(s) it shows, a body, and a state
 * (`loading`, `ready`, `error`) in data-state for people and tests to read.
 */
export class Panel {
  constructor(container, { id, title, subtitle }) {
    this.id = id;
    this.root = h('section', { class: 'panel', id, 'aria-labelledby': `${id}-title`, dataset: { state: 'loading' } });
    this.header = h('header', { class: 'panel-header' }, [
      h('div', {}, [h('h2', { id: `${id}-title`, text: title }), subtitle ? h('p', { class: 'subtitle', text: subtitle }) : null]),
    ]);
    this.actions = h('div', { class: 'panel-actions' });
    this.header.append(this.actions);
    this.body = h('div', { class: 'panel-body' }, [h('p', { class: 'loading', text: t('panel.loading') })]);
    this.root.append(this.header, this.body);
    container.append(this.root);
  }

  /** Replaces the body and marks the panel ready. */
  show(...nodes) {
    this.body.replaceChildren(...nodes.filter(Boolean));
    this.root.dataset.state = 'ready';
  }

  fail(error) {
    this.body.replaceChildren(h('p', { class: 'error', role: 'alert', text: t('panel.failed', { message: error?.message ?? error }) }));
    this.root.dataset.state = 'error';
  }

  /** Adds a "Download SVG" button that saves `chart` (see charts.js) as `filename`. */
  addDownload(chart, filename, label = t('panel.downloadSvg')) {
    const button = h('button', { type: 'button', class: 'download', 'data-download': filename, text: label });
    button.addEventListener('click', async () => downloadSvg(await chart.toSvg(), filename));
    this.actions.append(button);
    return button;
  }

  /** Adds a "CSV" button that saves the table element `table` (its header and body cells) as `filename`. */
  addCsv(table, filename) {
    const button = h('button', { type: 'button', class: 'download', 'data-csv': filename, text: `${t('panel.downloadCsv')} · ${filename.replace(/\.csv$/, '')}` });
    button.addEventListener('click', () => this.csvOf(table, filename));
    this.actions.append(button);
    return button;
  }

  /** Saves a table element as CSV. */
  csvOf(table, filename) {
    if (table) downloadCsv(tableRows(table), filename);
  }
}

/** The text of a table's rows (head first), one array of cell texts per row; a cell's data-value wins over its text. */
export function tableRows(table) {
  return [...table.querySelectorAll('tr')].map((tr) => [...tr.children].map((cell) => cell.dataset.value ?? cell.textContent.trim()));
}

/** A figure holding a plot, with a caption for notes. */
export function figure(plot, caption) {
  return h('figure', { class: 'plot' }, [plot, caption ? h('figcaption', { text: caption }) : null]);
}

// Small HTML helpers: element creation and the frame every dashboard panel sits in.

import { downloadSvg } from './download.js';

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
    this.body = h('div', { class: 'panel-body' }, [h('p', { class: 'loading', text: 'Loading…' })]);
    this.root.append(this.header, this.body);
    container.append(this.root);
  }

  /** Replaces the body and marks the panel ready. */
  show(...nodes) {
    this.body.replaceChildren(...nodes.filter(Boolean));
    this.root.dataset.state = 'ready';
  }

  fail(error) {
    this.body.replaceChildren(h('p', { class: 'error', role: 'alert', text: `Could not load: ${error?.message ?? error}` }));
    this.root.dataset.state = 'error';
  }

  /** Adds a "Download SVG" button that saves `chart` (see charts.js) as `filename`. */
  addDownload(chart, filename, label = 'Download SVG') {
    const button = h('button', { type: 'button', class: 'download', 'data-download': filename, text: label });
    button.addEventListener('click', async () => downloadSvg(await chart.toSvg(), filename));
    this.actions.append(button);
    return button;
  }
}

/** A figure holding a plot, with a caption for notes. */
export function figure(plot, caption) {
  return h('figure', { class: 'plot' }, [plot, caption ? h('figcaption', { text: caption }) : null]);
}

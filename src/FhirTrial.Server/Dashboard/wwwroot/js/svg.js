// A small SVG plotting kit: elements, linear and band scales, "nice" ticks and axes.
// Plots style themselves with presentation attributes only (no CSS), so a downloaded SVG looks like the page.

export const SVG_NS = 'http://www.w3.org/2000/svg';
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const INK = '#1f2933';
export const MUTED = '#616e7c';
export const GRID = '#e4e7eb';

/** Creates an SVG element with attributes (null/undefined skipped) and children (nodes or strings). */
export function el(name, attrs = {}, children = []) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(key, typeof value === 'number' ? String(round(value)) : String(value));
  }
  for (const child of [].concat(children)) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** The root <svg> of a plot: fixed viewBox (scales with its box), a title and description for screen readers. */
export function plot(width, height, { title, description, testId } = {}) {
  const svg = el('svg', {
    xmlns: SVG_NS,
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-label': title,
    'font-family': FONT,
    'font-size': 12,
    fill: INK,
    'data-testid': testId,
  });
  if (title) svg.append(el('title', {}, title));
  if (description) svg.append(el('desc', {}, description));
  svg.append(el('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }));
  return svg;
}

export function text(x, y, content, attrs = {}) {
  return el('text', { x: round(x), y: round(y), ...attrs }, String(content));
}

export function line(x1, y1, x2, y2, attrs = {}) {
  return el('line', { x1: round(x1), y1: round(y1), x2: round(x2), y2: round(y2), stroke: INK, ...attrs });
}

export function round(value) {
  return Math.round(value * 100) / 100;
}

/** A linear scale from domain [d0, d1] to range [r0, r1]. */
export function linear([d0, d1], [r0, r1]) {
  const span = d1 - d0 || 1;
  const scale = (value) => r0 + ((value - d0) / span) * (r1 - r0);
  scale.domain = [d0, d1];
  scale.range = [r0, r1];
  scale.ticks = (count = 5) => ticks(d0, d1, count);
  return scale;
}

/** A band scale: one equal slot per key, with padding between the slots. */
export function band(keys, [r0, r1], padding = 0.2) {
  const step = keys.length ? (r1 - r0) / keys.length : 0;
  const index = new Map(keys.map((key, i) => [key, i]));
  const scale = (key) => r0 + index.get(key) * step + (step * padding) / 2;
  scale.bandwidth = step * (1 - padding);
  scale.step = step;
  return scale;
}

/** A step of 1, 2 or 5 times a power of ten that gives about `count` ticks over [min, max]. */
export function niceStep(min, max, count = 5) {
  const raw = Math.abs(max - min) / Math.max(count, 1) || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

export function ticks(min, max, count = 5) {
  const step = niceStep(min, max, count);
  const out = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

/** Extends [min, max] outwards to whole steps. */
export function niceDomain(min, max, count = 5) {
  const step = niceStep(min, max, count);
  return [Math.floor(min / step) * step, Math.ceil(max / step) * step];
}

/** A horizontal axis at y with tick labels below, optional grid lines up to gridTop, and a title. */
export function axisBottom(scale, { y, values = scale.ticks(), format = String, label, gridTop } = {}) {
  const g = el('g', { class: 'axis axis-x', 'font-size': 11, fill: MUTED });
  const [r0, r1] = scale.range;
  g.append(line(Math.min(r0, r1), y, Math.max(r0, r1), y, { stroke: MUTED }));
  for (const value of values) {
    const x = scale(value);
    if (gridTop !== undefined) g.append(line(x, gridTop, x, y, { stroke: GRID }));
    g.append(line(x, y, x, y + 4, { stroke: MUTED }));
    g.append(text(x, y + 16, format(value), { 'text-anchor': 'middle' }));
  }
  if (label) g.append(text((r0 + r1) / 2, y + 34, label, { 'text-anchor': 'middle', fill: INK }));
  return g;
}

/** A vertical axis at x with tick labels to the left, optional grid lines across to gridRight, and a title. */
export function axisLeft(scale, { x, values = scale.ticks(), format = String, label, gridRight } = {}) {
  const g = el('g', { class: 'axis axis-y', 'font-size': 11, fill: MUTED });
  const [r0, r1] = scale.range;
  g.append(line(x, Math.min(r0, r1), x, Math.max(r0, r1), { stroke: MUTED }));
  for (const value of values) {
    const y = scale(value);
    if (gridRight !== undefined) g.append(line(x, y, gridRight, y, { stroke: GRID }));
    g.append(line(x - 4, y, x, y, { stroke: MUTED }));
    g.append(text(x - 7, y + 4, format(value), { 'text-anchor': 'end' }));
  }
  if (label) {
    const mid = (r0 + r1) / 2;
    g.append(text(x - 44, mid, label, { 'text-anchor': 'middle', transform: `rotate(-90 ${round(x - 44)} ${round(mid)})`, fill: INK }));
  }
  return g;
}

/** A horizontal legend of coloured swatches (or custom symbols) starting at (x, y). */
export function legend(items, { x, y, gap = 18 }) {
  const g = el('g', { class: 'legend', 'font-size': 11 });
  let cursor = x;
  for (const item of items) {
    const entry = el('g', { 'data-legend': item.key ?? item.label });
    entry.append(item.symbol ? item.symbol(cursor + 6, y) : el('rect', { x: cursor, y: y - 9, width: 12, height: 12, rx: 2, fill: item.color }));
    entry.append(text(cursor + 17, y + 1, item.label));
    g.append(entry);
    cursor += 17 + approximateTextWidth(item.label, 11) + gap;
  }
  return g;
}

export function approximateTextWidth(content, fontSize = 12) {
  return String(content).length * fontSize * 0.58;
}

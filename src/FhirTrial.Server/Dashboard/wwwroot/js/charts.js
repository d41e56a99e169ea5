// Plots: Vega-Lite specs drawn by Vega's SVG renderer (vendor/, pinned by build/dashboard-vendor/package-lock.json).
// Vega's expressions run through vega-interpreter because the dashboard's content-security-policy forbids eval.

import { expressionInterpreter } from '../vendor/vega-interpreter.js';

const { vega, vegaLite } = globalThis;

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const INK = '#1f2933';
export const MUTED = '#616e7c';
export const GRID = '#e4e7eb';

/** The page's type and colours, so a downloaded SVG looks like the page. */
const CONFIG = {
  font: FONT,
  background: '#ffffff',
  padding: 8,
  view: { stroke: null },
  axis: {
    labelColor: MUTED, labelFontSize: 11, titleColor: INK, titleFontSize: 12, titleFontWeight: 'normal',
    domainColor: MUTED, tickColor: MUTED, gridColor: GRID,
  },
  legend: { orient: 'top', direction: 'horizontal', labelFontSize: 11, titleFontSize: 11, titleColor: MUTED, titleFontWeight: 'normal', symbolType: 'square' },
  text: { fontSize: 11, color: INK },
};

/** Renders a Vega-Lite spec into a new element marked data-testid; resolves once drawn to { element, view, toSvg }. */
export async function renderChart(spec, testId) {
  const element = document.createElement('div');
  element.className = 'chart';
  element.dataset.testid = testId;
  const { spec: vegaSpec } = vegaLite.compile({ ...spec, config: CONFIG });
  const view = new vega.View(vega.parse(vegaSpec, null, { ast: true }), {
    renderer: 'svg',
    container: element,
    hover: true,
    expr: expressionInterpreter,
  });
  await view.runAsync();
  return { element, view, toSvg: () => view.toSVG() };
}

/**
 * A mark's description, "key: value; key: value": Vega makes it the mark's aria-label (for screen readers),
 * the plots show it as the tooltip, and the browser tests read the plotted numbers from it.
 */
export function describe(fields) {
  return Object.entries(fields)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => `${key}: ${value}`)
    .join('; ');
}

/** Encodes a mark's description (field `description` of its data) as its aria-label and tooltip. */
export const DESCRIBED = {
  description: { field: 'description' },
  tooltip: { field: 'description' },
};

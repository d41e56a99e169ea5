// What the vendored vega-interpreter imports from 'vega-util', taken from the global `vega` (vendor/vega.min.js,
// which bundles that same vega-util). The build rewrites the interpreter's import to this file.

export const { ascending, isString, DisallowedObjectProperties } = globalThis.vega;

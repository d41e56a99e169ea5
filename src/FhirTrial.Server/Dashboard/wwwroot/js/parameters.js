// Reading the trial operations' output Parameters (CONTRACT.md section 5) into plain objects.

/** Parameter names that may repeat: they always read as arrays, even with one or no entry. */
export const REPEATED = new Set(['timepoint', 'point', 'term', 'criterion', 'bor', 'evidence', 'deviation', 'note', 'soc']);

/** The value[x] of a parameter or part, or undefined. */
export function valueOf(component) {
  for (const [key, value] of Object.entries(component ?? {})) {
    if (key.startsWith('value')) return value;
  }
  return undefined;
}

/**
 * Turns a Parameters resource (or a parameter's `part` list) into an object: a single parameter becomes its value
 * (or, with parts, a nested object); repeated names become arrays.
 */
export function readParameters(parametersOrParts, repeated = REPEATED) {
  const list = Array.isArray(parametersOrParts) ? parametersOrParts : parametersOrParts?.parameter ?? [];
  const out = {};
  for (const name of repeated) out[name] = [];
  for (const component of list) {
    const value = component.part ? readParameters(component.part, repeated) : valueOf(component);
    if (repeated.has(component.name)) out[component.name].push(value);
    else out[component.name] = value;
  }
  for (const name of repeated) if (!list.some((c) => c.name === name)) delete out[name];
  return out;
}

// Headline efficacy numbers from $efficacy: populations, ORR with its exact interval, DCR and best responses.

import { h } from '../dom.js';
import { percent } from '../format.js';
import { response } from '../responses.js';

export function efficacyCards(efficacy) {
  const orr = efficacy.orr === undefined
    ? '–'
    : `${percent(efficacy.orr)} (95% CI ${percent(efficacy.orrLower)}–${percent(efficacy.orrUpper)})`;
  const cards = [
    ['treated', 'Treated', String(efficacy.treated ?? 0)],
    ['evaluable', 'Response-evaluable', String(efficacy.evaluable ?? 0)],
    ['responders', 'Confirmed responders', String(efficacy.responders ?? 0)],
    ['orr', 'Objective response rate', orr],
    ['dcr', 'Disease control rate', percent(efficacy.dcr)],
  ];
  const bor = (efficacy.bor ?? []).filter((b) => b.count > 0);
  return h('div', { class: 'efficacy' }, [
    h('ul', { class: 'cards', 'data-testid': 'efficacy-cards' }, cards.map(([key, label, value]) =>
      h('li', { class: 'card', 'data-key': key }, [h('span', { class: 'card-value', text: value }), h('span', { class: 'card-label', text: label })]))),
    h('p', { class: 'bor-counts', 'data-testid': 'bor-counts' }, [
      'Best overall response: ',
      ...(bor.length
        ? bor.flatMap((b) => [h('span', { class: 'chip', 'data-bor': b.code, title: response(b.code).label }, [
          h('span', { class: `swatch bor-${cssCode(b.code)}` }), `${b.code} ${b.count}`]), ' '])
        : [h('span', { class: 'muted', text: 'none yet' })]),
    ]),
  ]);
}

export function cssCode(code) {
  return String(code).toLowerCase().replace(/[^a-z]+/g, '-');
}

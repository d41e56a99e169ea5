// Headline efficacy numbers from $efficacy: populations, ORR (n/N) and DCR with their exact intervals, DOR and TTR
// medians with their intervals, and best responses.

import { h } from '../dom.js';
import { monthsLabel, percent } from '../format.js';
import { number, t } from '../i18n.js';
import { responseLabel } from '../responses.js';

/** "20.0% (1/5)" and, under it, "95% CI 0.5%–71.6%". */
function rate(estimate, lower, upper, n, total) {
  if (estimate === undefined) return ['–', null];
  const count = n === undefined ? '' : ` (${number(n)}/${number(total)})`;
  return [`${percent(estimate)}${count}`, t('card.ci', { lower: percent(lower), upper: percent(upper) })];
}

/** A median in months with its interval (NR where not reached). */
function median(endpoint) {
  if (!endpoint || (endpoint.events ?? 0) === 0) return ['–', null];
  return [monthsLabel(endpoint.median), t('card.ci', { lower: monthsLabel(endpoint.medianLower), upper: monthsLabel(endpoint.medianUpper) })];
}

export function efficacyCards(efficacy) {
  const dcrCount = (efficacy.bor ?? []).filter((b) => ['CR', 'PR', 'SD', 'NON-CR/NON-PD'].includes(b.code)).reduce((n, b) => n + b.count, 0);
  const cards = [
    ['treated', t('card.treated'), [number(efficacy.treated ?? 0), null]],
    ['evaluable', t('card.evaluable'), [number(efficacy.evaluable ?? 0), null]],
    ['responders', t('card.responders'), [number(efficacy.responders ?? 0), null]],
    ['orr', t('card.orr'), rate(efficacy.orr, efficacy.orrLower, efficacy.orrUpper, efficacy.responders, efficacy.evaluable)],
    ['dcr', t('card.dcr'), rate(efficacy.dcr, efficacy.dcrLower, efficacy.dcrUpper, dcrCount, efficacy.evaluable)],
    ['dor', t('card.dor'), median(efficacy.dor)],
    ['ttr', t('card.ttr'), median(efficacy.ttr)],
  ];
  const bor = (efficacy.bor ?? []).filter((b) => b.count > 0);
  return h('div', { class: 'efficacy' }, [
    h('ul', { class: 'cards', 'data-testid': 'efficacy-cards' }, cards.map(([key, label, [value, ci]]) =>
      h('li', { class: 'card', 'data-key': key }, [
        h('span', { class: 'card-value', text: value }),
        ci ? h('span', { class: 'card-ci', text: ci }) : null,
        h('span', { class: 'card-label', text: label }),
      ]))),
    h('p', { class: 'bor-counts', 'data-testid': 'bor-counts' }, [
      t('card.bor'),
      ...(bor.length
        ? bor.flatMap((b) => [h('span', { class: 'chip', 'data-bor': b.code, title: responseLabel(b.code) }, [
          h('span', { class: `swatch bor-${cssCode(b.code)}` }), `${b.code} ${b.count}`]), ' '])
        : [h('span', { class: 'muted', text: t('card.none') })]),
    ]),
  ]);
}

export function cssCode(code) {
  return String(code).toLowerCase().replace(/[^a-z]+/g, '-');
}

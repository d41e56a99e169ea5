// The per-subject listing: one row per subject with what the panels show of them, for review and CSV export.

import { h } from '../dom.js';
import { signedPercent } from '../format.js';
import { number, t } from '../i18n.js';

export function listingTable(subjects, deviationCounts) {
  const columns = ['listing.subject', 'listing.site', 'listing.status', 'listing.firstDose', 'listing.lastDose', 'listing.doses',
    'listing.bor', 'listing.bestChange', 'listing.progression', 'listing.death', 'listing.deviations'];
  return h('table', { class: 'data', 'data-testid': 'subject-listing' }, [
    h('thead', {}, h('tr', {}, columns.map((key) => h('th', { scope: 'col', text: t(key) })))),
    h('tbody', {}, subjects.map((s) => h('tr', { 'data-subject': s.id }, [
      h('th', { scope: 'row', text: s.label }),
      h('td', { text: s.siteName }),
      h('td', { text: s.status ?? '' }),
      h('td', { text: s.firstDose ?? '' }),
      h('td', { text: s.lastDose ?? '' }),
      h('td', { class: 'num', text: number(s.doses ?? 0) }),
      h('td', { 'data-col': 'bor', text: s.bor ?? '' }),
      h('td', { class: 'num', 'data-value': typeof s.bestChange === 'number' ? s.bestChange.toFixed(1) : '', text: typeof s.bestChange === 'number' ? signedPercent(s.bestChange) : '' }),
      h('td', { text: s.recist?.progressionDate ?? '' }),
      h('td', { text: s.deathDate?.slice(0, 10) ?? '' }),
      h('td', { class: 'num', text: deviationCounts.has(s.id) ? number(deviationCounts.get(s.id)) : '' }),
    ]))),
  ]);
}

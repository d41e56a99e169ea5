// Dates as calendar days (CONTRACT.md section 4: days count date - firstDose) and number formats (Intl, see i18n.js).

import { number, percentText, t } from './i18n.js';

const DAY_MS = 86_400_000;
export const DAYS_PER_MONTH = 30.4375;

/** Calendar day number of a FHIR date or dateTime (its first 10 characters), or null. */
export function dayNumber(fhirDate) {
  if (typeof fhirDate !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(fhirDate)) return null;
  const [y, m, d] = fhirDate.slice(0, 10).split('-').map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

/** Days from `from` to `to` (both FHIR dates), or null when either is missing. */
export function daysBetween(from, to) {
  const a = dayNumber(from);
  const b = dayNumber(to);
  return a === null || b === null ? null : b - a;
}

export function months(days) {
  return days / DAYS_PER_MONTH;
}

export function percent(fraction, digits = 1) {
  return fraction === undefined || fraction === null ? '–' : percentText(fraction, digits);
}

/** A signed percent change: "+12.0%", "−45.0%" (true minus sign), "0.0%". */
export function signedPercent(value, digits = 1) {
  if (value === undefined || value === null) return '–';
  const fixed = number(Math.abs(value), digits);
  if (Number(Math.abs(value).toFixed(digits)) === 0) return `${fixed}%`;
  return `${value > 0 ? '+' : '\u2212'}${fixed}%`;
}

/** "n (x%)" of a subject count over a total. */
export function countOf(n, total) {
  return total ? `${number(n)} (${number((n / total) * 100, 0)}%)` : number(n);
}

export function monthsLabel(days, digits = 1) {
  return days === undefined || days === null ? t('notReached') : t('months', { n: number(months(days), digits) });
}

export function humanName(patient) {
  const name = patient?.name?.[0];
  if (!name) return '';
  if (name.text) return name.text;
  return [...(name.given ?? []), name.family].filter(Boolean).join(' ');
}

// The page's language and texts: one catalogue per language (i18n/<tag>.js, the same keys), English by default.
// The language is ?lang=, else the one picked before (localStorage), else the browser's (its Accept-Language).
// Numbers go through Intl; dates stay ISO 8601 (YYYY-MM-DD) in every language.

import en from './i18n/en.js';
import zhCN from './i18n/zh-CN.js';

export const LANGUAGES = [
  { tag: 'en', name: 'English', texts: en },
  { tag: 'zh-CN', name: '简体中文', texts: zhCN },
];
const STORAGE_KEY = 'fhirtrial.language';

function choose() {
  const wanted = [new URLSearchParams(location.search).get('lang'), storedLanguage(), ...(navigator.languages ?? [navigator.language])];
  for (const tag of wanted) {
    if (!tag) continue;
    const lower = tag.toLowerCase();
    const match = LANGUAGES.find((l) => l.tag.toLowerCase() === lower) ?? LANGUAGES.find((l) => lower.split('-')[0] === l.tag.toLowerCase().split('-')[0]);
    if (match) return match;
  }
  return LANGUAGES[0];
}

function storedLanguage() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

const current = choose();
export const lang = current.tag;

/** Stores the choice and reloads in that language. */
export function pickLanguage(tag) {
  try {
    localStorage.setItem(STORAGE_KEY, tag);
  } catch {
    // storage disabled: the URL still carries it
  }
  const url = new URL(location.href);
  url.searchParams.set('lang', tag);
  location.assign(url);
}

/** The text of `key` in the page's language (English when missing), with {name} placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = current.texts[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

const numberFormats = new Map();
/** A number in the page's language: fixed `digits` decimals. */
export function number(value, digits = 0) {
  if (typeof value !== 'number' || Number.isNaN(value)) return '–';
  const key = digits;
  if (!numberFormats.has(key)) numberFormats.set(key, new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  return numberFormats.get(key).format(value);
}

/** A fraction 0..1 as a percentage in the page's language, e.g. 0.2 -> "20.0%". */
export function percentText(fraction, digits = 1) {
  if (typeof fraction !== 'number') return '–';
  return new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(fraction);
}

/** Today as YYYY-MM-DD (local calendar day). */
export function isoToday() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

/** A timestamp as ISO date and time, "2026-12-07 04:50". */
export function isoDateTime(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

import type { Locale } from '../config/index.ts';
import { COUNTRIES, COUNTRY_ALIASES } from './data/countries.ts';
import { foldName, nearest } from './fold.ts';

/** R-ADDR-2: the alpha-2 code of a country cell, or what to suggest instead. */
export type CountryCheck = { ok: true; code: string } | { ok: false; suggestion: string | null };

const BY_NAME = new Map<string, string>();
for (const [code, entry] of Object.entries(COUNTRIES)) {
  BY_NAME.set(foldName(entry.alpha3), code);
  for (const name of [entry.en, entry.ja, entry['pt-BR']]) BY_NAME.set(foldName(name), code);
}
for (const [alias, code] of Object.entries(COUNTRY_ALIASES)) BY_NAME.set(foldName(alias), code);

/** Whether a string is an assigned ISO 3166-1 alpha-2 code (upper case). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && Object.hasOwn(COUNTRIES, code);
}

/** Accepts an alpha-2 code in any case; otherwise suggests one from a name, alpha-3 code or typo. */
export function checkCountry(value: string): CountryCheck {
  const trimmed = value.normalize('NFKC').trim();
  const upper = trimmed.toUpperCase();
  if (/^[A-Za-z]{2}$/.test(trimmed) && isCountryCode(upper)) return { ok: true, code: upper };
  return { ok: false, suggestion: suggestCountry(trimmed) };
}

/** The alpha-2 code a partner probably meant ("Brasil" → BR, "日本" → JP, "USA" → US), or null. */
export function suggestCountry(value: string): string | null {
  const folded = foldName(value);
  if (!folded) return null;
  return BY_NAME.get(folded) ?? nearest(folded, latinNames());
}

function* latinNames(): Iterable<[string, string]> {
  for (const [name, code] of BY_NAME) if (/^[a-z]+$/.test(name)) yield [name, code];
}

/** A country's name in a report locale (CLDR, from the data table); the code itself if unknown. */
export function countryName(code: string, locale: Locale): string {
  return COUNTRIES[code]?.[locale] ?? code;
}

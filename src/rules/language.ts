import { LANGUAGE_ALIASES, LANGUAGE_NAMES } from './data/languages.ts';
import { foldName } from './fold.ts';

/** R-LANG-1: a language cell is fine, or here is the tag to suggest (null when we cannot guess). */
export type LanguageCheck = { ok: true } | { ok: false; suggestion: string | null };

const SHAPE = /^[a-z]{2}(_[a-z]{2})?$/i;
const INDEXES = new WeakMap<readonly string[], Map<string, string>>();

/** Lower-case tag → tag as listed, built once per list (a sheet checks thousands of rows). */
function indexOf(supported: readonly string[]): Map<string, string> {
  let index = INDEXES.get(supported);
  if (!index) INDEXES.set(supported, (index = new Map(supported.map((t) => [t.toLowerCase(), t]))));
  return index;
}

/** Accepts a supported `xx` or `xx_YY` tag in any case (Webex writes `en_us` and `en_US`). */
export function checkLanguage(value: string, supported: readonly string[]): LanguageCheck {
  const tag = value.trim();
  const byLower = indexOf(supported);
  if (SHAPE.test(tag) && byLower.has(tag.toLowerCase())) return { ok: true };
  return { ok: false, suggestion: suggestLanguage(tag, byLower) };
}

function suggestLanguage(tag: string, byLower: Map<string, string>): string | null {
  const supported = (t: string | undefined) => (t && byLower.get(t.toLowerCase())) || null;
  // en-US, en.US, EN US: the right tag with the wrong separator
  const parts = /^([a-z]{2})[-.\s]+([a-z]{2})$/i.exec(tag);
  if (parts) {
    const [, lang = '', region = ''] = parts;
    return supported(`${lang}_${region}`) ?? supported(lang);
  }
  // a supported language with a region we do not list: suggest the language alone
  const regional = /^([a-z]{2})_[a-z]{2}$/i.exec(tag);
  if (regional) return supported(regional[1]);
  const folded = foldName(tag);
  const alias = Object.entries(LANGUAGE_ALIASES).find(([name]) => foldName(name) === folded);
  if (alias) return supported(alias[1]);
  for (const [lang, names] of Object.entries(LANGUAGE_NAMES)) {
    if (names.some((n) => foldName(n) === folded)) return supported(lang);
  }
  return null;
}

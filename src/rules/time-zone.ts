import { COUNTRY_TIME_ZONES, EXAMPLE_TIME_ZONES } from './data/time-zones.ts';
import { foldName } from './fold.ts';

/** An IANA time zone cell is fine, or here is the zone to suggest (null when we cannot guess). */
export type TimeZoneCheck = { ok: true } | { ok: false; suggestion: string | null };

// Canonical names Intl knows plus every zone of zone.tab: both spell names as IANA does.
const KNOWN = new Set([
  ...Intl.supportedValuesOf('timeZone'),
  ...Object.values(COUNTRY_TIME_ZONES).flat(),
]);
const BY_LOWER = new Map([...KNOWN].map((z) => [z.toLowerCase(), z]));
const BY_CITY = new Map<string, string>();
for (const zone of KNOWN) {
  const city = foldName(zone.slice(zone.lastIndexOf('/') + 1));
  if (zone.includes('/') && !BY_CITY.has(city)) BY_CITY.set(city, zone);
}

/**
 * An IANA `Area/Location` name (or `UTC`) that Intl can use, spelled as IANA spells it; links
 * such as `Asia/Calcutta` are accepted. Abbreviations (`EST`, `JST`) are not time zones.
 */
export function checkTimeZone(value: string): TimeZoneCheck {
  const zone = value.trim();
  if (KNOWN.has(zone) || zone === 'UTC') return { ok: true };
  const resolved = intlZone(zone);
  const sameButCase = BY_LOWER.get(zone.toLowerCase());
  if (resolved !== null) {
    if (sameButCase) return { ok: false, suggestion: sameButCase };
    if (/^[A-Z][^/]*(\/[A-Z][^/]*)+$/.test(zone)) return { ok: true }; // IANA link, e.g. US/Eastern
    return { ok: false, suggestion: /^[A-Z]{2,5}$/.test(zone) ? null : resolved };
  }
  const spaced = BY_LOWER.get(zone.toLowerCase().replace(/\s+/g, '_'));
  return { ok: false, suggestion: spaced ?? BY_CITY.get(foldName(zone)) ?? null };
}

/** R-CALL-1: the country's time zone when it has exactly one, else null (not certain). */
export function certainTimeZone(
  country: string,
  zones: Readonly<Record<string, readonly string[]>> = COUNTRY_TIME_ZONES,
): string | null {
  const list = zones[country];
  return list && list.length === 1 ? (list[0] ?? null) : null;
}

/** A zone of the country to show in a message, or null for a country without zones. */
export function exampleTimeZone(
  country: string,
  zones: Readonly<Record<string, readonly string[]>> = COUNTRY_TIME_ZONES,
): string | null {
  return EXAMPLE_TIME_ZONES[country] ?? zones[country]?.[0] ?? null;
}

function intlZone(zone: string): string | null {
  if (!zone) return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

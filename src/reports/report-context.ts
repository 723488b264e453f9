import type { Locale } from '../config/index.ts';
import { formatCount, labelsFor, type ReportLabels } from './labels.ts';

/** What every section of report.html renders with: the labels, number and date formats of the locale. */
export interface ReportContext {
  l: ReportLabels;
  locale: Locale;
  n: (value: number) => string;
  /** An ISO timestamp as the locale writes it, in the configured time zone; — when missing. */
  date: (iso: string | null) => string;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The context of a locale and time zone (an unknown zone falls back to UTC, named as such). */
export function reportContext(locale: Locale, timeZone = 'UTC'): ReportContext {
  return {
    l: labelsFor(locale),
    locale,
    n: (value) => formatCount(locale, value),
    date: (iso) => formatDate(iso, locale, timeZone),
  };
}

/** An ISO timestamp in the locale's order (2025/03/01 11:00:13 JST, 01/03/2025 …), in `timeZone`. */
export function formatDate(iso: string | null, locale: Locale, timeZone: string): string {
  if (iso === null || iso === '') return '—';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const key = `${locale}|${timeZone}`;
  let format = dateFormats.get(key);
  if (format === undefined) {
    const opts: Intl.DateTimeFormatOptions = {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    };
    try {
      format = new Intl.DateTimeFormat(locale, { ...opts, timeZone });
    } catch {
      format = new Intl.DateTimeFormat(locale, { ...opts, timeZone: 'UTC' });
    }
    dateFormats.set(key, format);
  }
  return format.format(ms);
}

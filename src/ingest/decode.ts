import iconv from 'iconv-lite';
import type { Locale } from '../config/index.ts';

/** The legacy encoding a partner's Excel saves text in, by locale (contract §2). */
export const LOCALE_ENCODING: Record<Locale, string> = {
  ja: 'cp932',
  'pt-BR': 'windows-1252',
  en: 'windows-1252',
};

// UTF-8 read as windows-1252 and saved as UTF-8 again: "SÃ£o", "Ã©", "â€™".
export const DOUBLE_ENCODED =
  /[ÃÂ][\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013-\u2026\u2030\u2039\u203A\u20AC\u2122]|â€[\u0080-\u00BF\u2018-\u201E\u2122\u0153\u201C\u2020-\u2026]/;
// C1 controls never appear in real sheet text; after a legacy decode they mean the wrong table.
export const SUSPICIOUS = /[\uFFFD\u0080-\u009F]/;

/** Legacy encodings worth trying when a file's header is not recognised under the expected one. */
export const OTHER_LEGACY_ENCODINGS = ['cp932', 'windows-1252'] as const;

/**
 * Which other legacy encoding a file's bytes were probably saved in, judged by `recognised` (the
 * header matches under it). Used only to explain a refusal: the file is never read with a guess.
 */
export function suggestEncoding(
  bytes: Uint8Array,
  tried: string,
  recognised: (text: string) => boolean,
): string | null {
  for (const encoding of OTHER_LEGACY_ENCODINGS) {
    if (encoding === tried) continue;
    const text = iconv.decode(Buffer.from(bytes), encoding);
    if (!SUSPICIOUS.test(text) && recognised(text)) return encoding;
  }
  return null;
}

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

/**
 * How much of a text's non-ASCII bytes read as everyday Japanese in cp932: a double-byte character
 * whose lead byte is 0x81–0x9F (kana, full-width forms, the common kanji) counts; one led by
 * 0xE0–0xFC (rare kanji, user-defined) and a single high byte (half-width katakana) do not.
 * Western text read as cp932 is made of those: "São" is S, a rare kanji, "o".
 */
function cp932Fit(bytes: Uint8Array): number {
  let everyday = 0;
  let other = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 0x80) continue;
    if ((b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc)) {
      i += 1; // the trail byte belongs to this character
      if (b <= 0x9f) everyday += 1;
      else other += 1;
    } else other += 1;
  }
  return everyday + other === 0 ? 1 : everyday / (everyday + other);
}

/** windows-1252 bytes of everyday Western text: accented letters, €, quotes, dashes, NBSP, ª º °. */
const WESTERN_BYTES = new Set([0x80, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0xa0, 0xaa, 0xb0, 0xba]);

/** How much of a text's non-ASCII bytes read as everyday Western text in windows-1252. */
function windows1252Fit(bytes: Uint8Array): number {
  let everyday = 0;
  let other = 0;
  for (const b of bytes) {
    if (b < 0x80) continue;
    if ((b >= 0xc0 && b !== 0xd7 && b !== 0xf7) || WESTERN_BYTES.has(b)) everyday += 1;
    else other += 1;
  }
  return everyday + other === 0 ? 1 : everyday / (everyday + other);
}

/** A guess of a legacy encoding: one that fits, or why none could be chosen. */
export type EncodingGuess =
  { encoding: 'cp932' | 'windows-1252' } | { encoding: null; why: 'none' | 'both' };

/**
 * Which of cp932 and windows-1252 a text file that is not UTF-8 was saved in, for a partner
 * whose encoding and locale nobody configured: one under which the header is recognised, no
 * character appears that no sheet holds, and the rest reads as everyday text of its script, while
 * under the other it does not. Both or neither: no guess, and the file is refused saying what to set.
 */
export function guessLegacyEncoding(
  bytes: Uint8Array,
  recognised: (text: string) => boolean,
): EncodingGuess {
  const readable = (encoding: string) => {
    const text = iconv.decode(Buffer.from(bytes), encoding);
    return !SUSPICIOUS.test(text) && recognised(text);
  };
  const ja = readable('cp932') ? cp932Fit(bytes) : -1;
  const west = readable('windows-1252') ? windows1252Fit(bytes) : -1;
  const likely = (fit: number) => fit >= 0.8;
  const unlikely = (fit: number) => fit < 0.5;
  if (likely(ja) && unlikely(west)) return { encoding: 'cp932' };
  if (likely(west) && unlikely(ja)) return { encoding: 'windows-1252' };
  return { encoding: null, why: likely(ja) || likely(west) ? 'both' : 'none' };
}

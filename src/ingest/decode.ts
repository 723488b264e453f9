import iconv from 'iconv-lite';
import type { Locale } from '../config/index.ts';

export type DecodeResult =
  | { ok: true; text: string; encoding: string }
  | { ok: false; code: 'FILE_ENCODING' | 'FILE_FORMAT'; message: string };

/** The legacy encoding a partner's Excel saves text in, by locale (contract §2). */
export const LOCALE_ENCODING: Record<Locale, string> = {
  ja: 'cp932',
  'pt-BR': 'windows-1252',
  en: 'windows-1252',
};

const UTF8 = new TextDecoder('utf-8', { fatal: true });
// UTF-8 read as windows-1252 and saved as UTF-8 again: "SÃ£o", "Ã©", "â€™".
export const DOUBLE_ENCODED =
  /[ÃÂ][\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013-\u2026\u2030\u2039\u203A\u20AC\u2122]|â€[\u0080-\u00BF\u2018-\u201E\u2122\u0153\u201C\u2020-\u2026]/;
// C1 controls never appear in real sheet text; after a legacy decode they mean the wrong table.
export const SUSPICIOUS = /[\uFFFD\u0080-\u009F]/;

/** Decodes a text file: a BOM decides, then strict UTF-8, then the partner's legacy encoding. */
export function decodeText(bytes: Uint8Array, legacy: string): DecodeResult {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf]))
    return undamaged(
      strictUtf8(bytes.subarray(3), 'utf-8-bom'),
      'utf-8 (from its byte-order mark)',
    );
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    const encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    const text = iconv.decode(Buffer.from(bytes.subarray(2)), encoding);
    return undamaged({ ok: true, text, encoding }, `${encoding} (from its byte-order mark)`);
  }
  if (bytes.includes(0)) {
    return {
      ok: false,
      code: 'FILE_FORMAT',
      message:
        'this is a binary file, not a CSV or text export: save the sheet as CSV (UTF-8) or as .xlsx',
    };
  }
  const utf8 = strictUtf8(bytes, 'utf-8');
  if (utf8.ok) {
    const sample = DOUBLE_ENCODED.exec(utf8.text);
    if (!sample) return undamaged(utf8, 'utf-8');
    return {
      ok: false,
      code: 'FILE_ENCODING',
      message: `the text was converted to UTF-8 twice (it shows "${sample[0]}" where an accented letter belongs): save it again as "CSV UTF-8" from the original (tried utf-8)`,
    };
  }
  const text = iconv.decode(Buffer.from(bytes), legacy);
  if (!SUSPICIOUS.test(text)) return { ok: true, text, encoding: legacy };
  return {
    ok: false,
    code: 'FILE_ENCODING',
    message: `the text is neither UTF-8 nor ${legacy}: save it as "CSV UTF-8" (tried utf-8, ${legacy})`,
  };
}

/**
 * A cleanly decoded text that still holds U+FFFD or C1 controls was damaged before it reached us
 * (a lossy conversion, or windows-1252 read as Latin-1): refused rather than read with holes.
 */
function undamaged(decoded: DecodeResult, tried: string): DecodeResult {
  if (!decoded.ok) return decoded;
  const found = SUSPICIOUS.exec(decoded.text);
  if (!found) return decoded;
  const line = decoded.text.slice(0, found.index).split(/\r\n|\r|\n/).length;
  const what =
    found[0] === '\uFFFD'
      ? 'a replacement character (U+FFFD) where a letter was lost'
      : `a control character (U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}) where a letter belongs`;
  return {
    ok: false,
    code: 'FILE_ENCODING',
    message: `line ${line} holds ${what}: the text was damaged by a conversion before it was sent; save it again as "CSV UTF-8" from the original (tried ${tried})`,
  };
}

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

function strictUtf8(bytes: Uint8Array, encoding: string): DecodeResult {
  try {
    return { ok: true, text: UTF8.decode(bytes), encoding };
  } catch {
    return {
      ok: false,
      code: 'FILE_ENCODING',
      message: 'the file starts with a UTF-8 mark but is not valid UTF-8',
    };
  }
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

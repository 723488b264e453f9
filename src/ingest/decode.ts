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
// C1 controls never appear in real sheet text; after a legacy decode they mean the wrong table.
const SUSPICIOUS = /[\uFFFD\u0080-\u009F]/;

/** Decodes a text file: a BOM decides, then strict UTF-8, then the partner's legacy encoding. */
export function decodeText(bytes: Uint8Array, legacy: string): DecodeResult {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return strictUtf8(bytes.subarray(3), 'utf-8-bom');
  if (startsWith(bytes, [0xff, 0xfe]))
    return {
      ok: true,
      text: iconv.decode(Buffer.from(bytes.subarray(2)), 'utf-16le'),
      encoding: 'utf-16le',
    };
  if (startsWith(bytes, [0xfe, 0xff]))
    return {
      ok: true,
      text: iconv.decode(Buffer.from(bytes.subarray(2)), 'utf-16be'),
      encoding: 'utf-16be',
    };
  if (bytes.includes(0)) {
    return {
      ok: false,
      code: 'FILE_FORMAT',
      message:
        'this is a binary file, not a CSV or text export: save the sheet as CSV (UTF-8) or as .xlsx',
    };
  }
  const utf8 = strictUtf8(bytes, 'utf-8');
  if (utf8.ok) return utf8;
  const text = iconv.decode(Buffer.from(bytes), legacy);
  if (!SUSPICIOUS.test(text)) return { ok: true, text, encoding: legacy };
  return {
    ok: false,
    code: 'FILE_ENCODING',
    message: `the text is neither UTF-8 nor ${legacy}: save it as "CSV UTF-8" (tried utf-8, ${legacy})`,
  };
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

import { createHash } from 'node:crypto';
import path from 'node:path';

/** The most bytes a file name may take (NAME_MAX of Linux file systems): 85 kanji, 255 letters. */
export const NAME_MAX_BYTES = 255;
/** What a name leaves free for the `.<pid>.tmp` of the temporary file it is written under first. */
export const TEMP_SUFFIX_BYTES = 16;

/**
 * `stem + tail` when it fits in `maxBytes` of UTF-8. Otherwise the stem is cut between two
 * characters (never inside one, nor between a letter and its accent) and marked with `~` and 8 hex
 * digits of its sha256, so that two long names with the same beginning still get names of their
 * own; `tail` (an extension, a suffix of ours) is kept whole. A partner's legal name of 80 kanji is
 * 244 bytes, and `.results.csv` after it is not a legal name any more (ENAMETOOLONG).
 */
export function fitFileName(stem: string, tail: string, maxBytes = NAME_MAX_BYTES): string {
  if (Buffer.byteLength(stem + tail) <= maxBytes) return stem + tail;
  const mark = `~${createHash('sha256').update(stem).digest('hex').slice(0, 8)}`;
  const room = maxBytes - Buffer.byteLength(tail) - mark.length;
  let cut = '';
  let used = 0;
  for (const { segment } of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(stem)) {
    const bytes = Buffer.byteLength(segment);
    if (used + bytes > room) break;
    cut += segment;
    used += bytes;
  }
  return `${cut}${mark}${tail}`;
}

/** A file name split before its extension, which keeps the partner's spelling (`.CSV`). */
export function splitExtension(name: string): { stem: string; ext: string } {
  const ext = path.extname(name);
  return { stem: ext ? name.slice(0, -ext.length) : name, ext };
}

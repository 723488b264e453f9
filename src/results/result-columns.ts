import type { Locale } from '../config/index.ts';
import { foldHeader } from '../sheets/index.ts';

/** The columns a results file adds, in each locale. */
export const RESULT_COLUMNS: Record<Locale, [string, string, string, string]> = {
  en: ['result', 'code', 'message', 'webex_id'],
  ja: ['結果', 'コード', 'メッセージ', 'Webex ID'],
  'pt-BR': ['resultado', 'código', 'mensagem', 'webex_id'],
};

const OURS = Object.values(RESULT_COLUMNS).map((labels) => labels.map(foldHeader).join('\u0000'));

/**
 * How many of a header's columns are the partner's: all of them, or those before the four result
 * columns a results file of ours ends with (in any locale), when a partner drops a results file
 * back with cells fixed. Those are neither read as data nor echoed: a results file gets one set.
 */
export function partnerColumnCount(header: readonly string[]): number {
  const at = header.length - 4;
  if (at < 1) return header.length;
  const tail = header
    .slice(at)
    .map((h) => foldHeader(h))
    .join('\u0000');
  return OURS.includes(tail) ? at : header.length;
}

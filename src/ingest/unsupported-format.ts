import path from 'node:path';
import type { Locale } from '../config/index.ts';

/** The kinds of file partners drop that we do not read, named as a partner knows them. */
const KNOWN: Readonly<Record<string, string>> = {
  '.xls': 'Excel 97-2003 workbook (.xls)',
  '.xlsm': 'Excel macro-enabled workbook (.xlsm)',
  '.xlsb': 'Excel binary workbook (.xlsb)',
  '.ods': 'OpenDocument spreadsheet (.ods)',
  '.numbers': 'Numbers spreadsheet (.numbers)',
  '.pdf': 'PDF (.pdf)',
  '.json': 'JSON (.json)',
  '.zip': 'zip archive (.zip)',
};

/**
 * FILE_FORMAT for a file at the top of a partner folder in a format we do not read, in the
 * partner's language: what it is and how to save it so that it is read.
 */
export function unsupportedFormatMessage(name: string, locale: Locale): string {
  const ext = path.extname(name).toLowerCase();
  const what = KNOWN[ext] ?? (ext ? `${ext} file` : 'file without an extension');
  switch (locale) {
    case 'ja':
      return `このファイル（${what}）は読み込めません。Excel ブック (.xlsx) か「CSV UTF-8」で保存して、もう一度置いてください。`;
    case 'pt-BR':
      return `este arquivo (${what}) não é lido: salve-o como Pasta de Trabalho do Excel (.xlsx) ou "CSV UTF-8" e envie-o novamente.`;
    default:
      return `this file (${what}) is not read: save it as an Excel Workbook (.xlsx) or as "CSV UTF-8" and drop it again.`;
  }
}

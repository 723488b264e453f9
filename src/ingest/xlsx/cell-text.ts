import type { CellFlag, CellType } from '../sheet.ts';

/** A workbook cell as text, with what the workbook stored and whether the value can be trusted. */
export interface CellText {
  text: string;
  type: CellType;
  flag: CellFlag | null;
}

/** A value exceljs gave that no cell of a sound workbook holds; `what` says what it was. */
export interface UnreadableCell {
  unreadable: string;
}

/** Cell types as one letter each, for rows crossing from the worker thread. */
export const TYPE_CODES: Readonly<Record<CellType, string>> = {
  text: 't',
  number: 'n',
  date: 'd',
  boolean: 'b',
  formula: 'f',
  empty: 'e',
};

const EMPTY: CellText = { text: '', type: 'empty', flag: null };

/**
 * The text of one cell value as worksheetRows gives it (the shapes exceljs's streaming reader gave). `numFmt` is the cell's number
 * format (dates are numbers formatted as dates; the reader converts plain cells, not formula results).
 */
export function cellText(
  value: unknown,
  numFmt: string | undefined,
  date1904: boolean,
): CellText | UnreadableCell {
  if (value === null || value === undefined) return EMPTY;
  switch (typeof value) {
    case 'string':
      return { text: value, type: 'text', flag: null };
    case 'boolean':
      return { text: String(value), type: 'boolean', flag: null };
    case 'number':
      return Number.isFinite(value)
        ? { text: plainNumber(value), type: 'number', flag: null }
        : { unreadable: 'a number that is not a number' };
    case 'object':
      break;
    default:
      return { unreadable: `a ${typeof value}` };
  }
  if (value instanceof Date) return { text: isoDateTime(value), type: 'date', flag: null };
  const object = value as Record<string, unknown>;
  if (Array.isArray(object.richText)) {
    const runs = object.richText as { text?: unknown }[];
    return {
      text: runs.map((r) => (typeof r.text === 'string' ? r.text : '')).join(''),
      type: 'text',
      flag: null,
    };
  }
  if ('formula' in object || 'sharedFormula' in object)
    return formulaText(object.result, numFmt, date1904);
  // An error value (#N/A, #REF!) stored without its formula: what a formula left behind.
  if (typeof object.error === 'string')
    return { text: object.error, type: 'formula', flag: 'FORMULA_WITHOUT_VALUE' };
  if (typeof object.text === 'string' && 'hyperlink' in object)
    return { text: object.text, type: 'text', flag: null };
  if ('sharedString' in object)
    return { unreadable: 'a reference to a shared string the workbook does not define' };
  return {
    unreadable: `a value of an unknown kind (${Object.keys(object).slice(0, 3).join(', ') || 'empty object'})`,
  };
}

function formulaText(result: unknown, numFmt: string | undefined, date1904: boolean): CellText {
  const missing: CellText = { text: '', type: 'formula', flag: 'FORMULA_WITHOUT_VALUE' };
  if (result === undefined || result === null) return missing;
  if (typeof result === 'number') {
    // The reader gives an error result (#DIV/0!) as NaN: there is no value to use.
    if (!Number.isFinite(result)) return missing;
    const text = isDateFormat(numFmt)
      ? isoDateTime(excelDate(result, date1904))
      : plainNumber(result);
    return { text, type: 'formula', flag: null };
  }
  if (typeof result === 'string') return { text: result, type: 'formula', flag: null };
  if (typeof result === 'boolean') return { text: String(result), type: 'formula', flag: null };
  if (result instanceof Date) return { text: isoDateTime(result), type: 'formula', flag: null };
  if (typeof result === 'object' && typeof (result as { error?: unknown }).error === 'string')
    return { ...missing, text: (result as { error: string }).error };
  return missing;
}

/** A number as plain decimal text, never in exponent form: 5511999999999 → "5511999999999", 1e-7 → "0.0000001". */
export function plainNumber(n: number): string {
  const text = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = m;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS]` when the value has a time of day. Excel times have no zone. */
export function isoDateTime(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) return '';
  // Serial days carry floating-point noise (13:04:59.999): partner data has no milliseconds.
  const iso = new Date(Math.round(ms / 1000) * 1000).toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return iso.endsWith(':00.000Z') ? iso.slice(0, 16) : iso.slice(0, 19);
}

/** Excel's serial day number as a date (the 1900 system counts from 1899-12-30, the 1904 one from 1904-01-01). */
export function excelDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/** Whether a number format shows a date or time (the rule exceljs applies to plain cells). */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const bare = numFmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhMsb]/.test(bare);
}

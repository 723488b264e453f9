import { SaxesParser } from 'saxes';
import { excelDate, isDateFormat } from './cell-text.ts';
import { StringItem, type PackedStrings } from './shared-strings.ts';
import { localName } from './xml-text.ts';

// A worksheet's rows, read from its XML with saxes, the parser exceljs's streaming reader uses.
// exceljs's worksheet reader lost text (an inline string's runs of rich text: only the last was
// kept, as was a phonetic reading's <t>) and decoded XML twice (a cell holding "AT&amp;T" read as
// "AT&T"); building its Row and Cell objects also took longer than the XML itself. The values it
// gave are kept, shape for shape (cellText reads them): a formula is { formula, result }, an error
// { error }, a number under a date format a Date, a reference to no shared string
// { sharedString }.

/** One cell with a value: its column (1-based), its value and its number format. */
export interface SheetCell {
  col: number;
  value: unknown;
  numFmt: string | undefined;
}

/** One <row>: its number as written (NaN when it has none) and its cells in column order. */
export interface SheetXmlRow {
  number: number;
  cells: SheetCell[];
}

/** What a worksheet's cells refer to elsewhere in the workbook. */
export interface SheetContext {
  /** The shared strings, or null when the workbook has none. */
  strings: PackedStrings | null;
  /** The number format of a style id of xl/styles.xml. */
  numFmt(styleId: number): string | undefined;
  date1904: boolean;
}

/** Where the text of the XML goes: a cell's formula, its value, its inline string, or nowhere. */
type Into = 'nothing' | 'formula' | 'value' | 'inline';

/**
 * The rows of a worksheet's XML, as each piece of it is parsed: every <row> of <sheetData>, with
 * its cells that hold a value. Elements are matched by local name, whatever their prefix. An error
 * of the XML or a cell reference that is not one throws.
 */
export async function* worksheetRows(
  xml: AsyncIterable<string>,
  ctx: SheetContext,
): AsyncGenerator<SheetXmlRow[]> {
  const parser = new SaxesParser();
  let parsed: SheetXmlRow[] = [];
  let inData = false;
  let row: SheetXmlRow | null = null;
  let rowNumFmt: string | undefined;
  let lastCol = 0;
  // The open cell.
  let inCell = false;
  let ref: string | undefined;
  let style = 0;
  let type: string | undefined;
  let formula: string | null = null;
  let value: string | null = null;
  let into: Into = 'nothing';
  const inline = new StringItem();

  const collect = (text: string) => {
    switch (into) {
      case 'formula':
        formula += text;
        break;
      case 'value':
        value += text;
        break;
      case 'inline':
        inline.add(text);
        break;
    }
  };
  parser.on('text', collect);
  parser.on('cdata', collect);
  parser.on('opentag', (tag) => {
    const attributes = tag.attributes as Record<string, string>;
    const name = localName(tag.name);
    if (into === 'inline') return inline.open(name);
    switch (name) {
      case 'sheetData':
        inData = true;
        break;
      case 'row':
        if (!inData) break;
        row = { number: parseInt(attributes.r as string, 10), cells: [] };
        rowNumFmt = attributes.s ? ctx.numFmt(parseInt(attributes.s, 10)) : undefined;
        lastCol = 0;
        break;
      case 'c':
        if (!row) break;
        inCell = true;
        ref = attributes.r;
        style = attributes.s ? parseInt(attributes.s, 10) : 0;
        type = attributes.t;
        formula = value = null;
        break;
      case 'f':
        if (!inCell) break;
        formula = '';
        into = 'formula';
        break;
      case 'v':
        if (!inCell) break;
        value = '';
        into = 'value';
        break;
      case 'is':
        if (!inCell) break;
        into = 'inline';
        break;
    }
  });
  parser.on('closetag', (tag) => {
    const name = localName(tag.name);
    if (into === 'inline' && name !== 'is') return inline.close(name);
    switch (name) {
      case 'sheetData':
        inData = false;
        break;
      case 'row':
        if (row) parsed.push(row);
        row = null;
        break;
      case 'c':
        if (!row || !inCell) break;
        inCell = false;
        place(row, cellOf(row));
        break;
      case 'f':
      case 'v':
        into = 'nothing';
        break;
      case 'is':
        if (into !== 'inline') break;
        value = inline.take();
        into = 'nothing';
        break;
    }
  });

  /** The open cell, closed: its column and what exceljs's reader would have made of it. */
  function cellOf(at: SheetXmlRow): SheetCell {
    const col = ref === undefined ? lastCol + 1 : columnOf(ref);
    if (!(col >= 1))
      throw new Error(`row ${at.number} has a cell reference that is not one ('${ref}')`);
    lastCol = col;
    const numFmt = style ? ctx.numFmt(style) : rowNumFmt;
    if (formula !== null) {
      if (value === null) return { col, value: { formula }, numFmt };
      const result = type === 'str' ? value : parseFloat(value);
      return { col, value: { formula, result }, numFmt };
    }
    if (value === null) return { col, value: undefined, numFmt };
    switch (type) {
      case 's': {
        const index = parseInt(value, 10);
        return { col, value: ctx.strings?.at(index) ?? { sharedString: index }, numFmt };
      }
      case 'inlineStr':
      case 'str':
        return { col, value, numFmt };
      case 'e':
        return { col, value: { error: value }, numFmt };
      case 'b':
        return { col, value: parseInt(value, 10) !== 0, numFmt };
      case 'd':
        return { col, value: isoDate(value), numFmt };
      default: {
        const number = parseFloat(value);
        const dated = isDateFormat(numFmt) ? excelDate(number, ctx.date1904) : number;
        return { col, value: dated, numFmt };
      }
    }
  }

  for await (const chunk of xml) {
    parser.write(chunk);
    if (parsed.length) {
      yield parsed;
      parsed = [];
    }
  }
  parser.close();
  if (parsed.length) yield parsed;
}

/**
 * A date cell (t="d", which strict workbooks and some exporters write) as a Date: its ISO 8601 text
 * without a zone is a wall-clock time, as Excel's serial days are. exceljs read its year as a serial
 * day number. Text that is no date stays text.
 */
function isoDate(text: string): Date | string {
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/i.test(text) || !text.includes('T') ? text : `${text}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? text : date;
}

/**
 * Puts a cell with a value in its row's column order; a second value in the same column replaces
 * the first (exceljs's reader did the same). A cell without a value is left out.
 */
function place(row: SheetXmlRow, cell: SheetCell): void {
  if (cell.value === undefined) return;
  const { cells } = row;
  const last = cells[cells.length - 1];
  if (!last || last.col < cell.col) {
    cells.push(cell);
    return;
  }
  const at = cells.findIndex((c) => c.col >= cell.col);
  if ((cells[at] as SheetCell).col === cell.col) cells[at] = cell;
  else cells.splice(at, 0, cell);
}

/** The column of a cell reference ("AB12" → 28); NaN when it does not start with letters. */
function columnOf(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const code = ref.charCodeAt(i);
    if (code < 65 || code > 90) break;
    col = col * 26 + (code - 64);
  }
  if (i === 0 || i === ref.length) return NaN;
  for (let j = i; j < ref.length; j++) {
    const code = ref.charCodeAt(j);
    if (code < 48 || code > 57) return NaN;
  }
  return col;
}

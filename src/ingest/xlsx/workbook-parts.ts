import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { localName } from './xml-text.ts';

// The small parts of a workbook that tell where its sheets are and how their numbers are
// formatted: xl/_rels/workbook.xml.rels, xl/workbook.xml and xl/styles.xml, read with saxes as the
// shared strings and worksheets are. exceljs's streaming reader read them before; loading it (and
// the unzip library it requires) took the worker 0.3 CPU seconds and 1.2-1.8 s of wall clock per
// workbook on a loaded machine, before its first row. What it made of them is kept: the same
// relationships, the same sheet list, and the same number format per style (its built-in formats
// by id included).

/** One relationship of xl/_rels/workbook.xml.rels. */
export interface Relationship {
  Id: string;
  Type: string;
  Target: string;
}

/** A tab of xl/workbook.xml, in tab order. */
export interface WorkbookSheet {
  name: string;
  /** The relationship (r:id) that names its part. */
  rId: string;
  /** 'hidden' or 'veryHidden' when the partner cannot see it. */
  state?: string;
}

export interface WorkbookModel {
  sheets: WorkbookSheet[];
  /** Serial day 0 is 1904-01-01 (old Mac Excel), not 1899-12-30. */
  date1904: boolean;
}

/** Excel's built-in number formats, by id, as exceljs names them (lib/xlsx/defaultnumformats.js). */
const BUILT_IN_FORMATS: Readonly<Record<number, string>> = {
  0: 'General',
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  9: '0%',
  10: '0.00%',
  11: '0.00E+00',
  12: '# ?/?',
  13: '# ??/??',
  14: 'mm-dd-yy',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'm/d/yy "h":mm',
  37: '#,##0 ;(#,##0)',
  38: '#,##0 ;[Red](#,##0)',
  39: '#,##0.00 ;(#,##0.00)',
  40: '#,##0.00 ;[Red](#,##0.00)',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mmss.0',
  48: '##0.0E+0',
  49: '@',
};

/** Parses a part, calling `open` with each start tag and its name without prefix. Errors throw. */
async function eachTag(
  xml: AsyncIterable<string>,
  open: (tag: SaxesTagPlain, name: string) => void,
  close?: (name: string) => void,
): Promise<void> {
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => open(tag, localName(tag.name)));
  if (close) parser.on('closetag', (tag) => close(localName(tag.name)));
  for await (const chunk of xml) parser.write(chunk);
  parser.close();
}

/** The relationships of xl/_rels/workbook.xml.rels. */
export async function readRelationships(xml: AsyncIterable<string>): Promise<Relationship[]> {
  const relationships: Relationship[] = [];
  await eachTag(xml, ({ attributes }, name) => {
    if (name !== 'Relationship') return;
    relationships.push({
      Id: attributes.Id ?? '',
      Type: attributes.Type ?? '',
      Target: attributes.Target ?? '',
    });
  });
  return relationships;
}

/** The tabs of xl/workbook.xml and its date system. */
export async function readWorkbookModel(xml: AsyncIterable<string>): Promise<WorkbookModel> {
  const model: WorkbookModel = { sheets: [], date1904: false };
  await eachTag(xml, ({ attributes }, name) => {
    if (name === 'workbookPr') {
      const date1904 = attributes.date1904;
      model.date1904 = date1904 === '1' || date1904 === 'true';
    } else if (name === 'sheet') {
      const sheet: WorkbookSheet = { name: attributes.name ?? '', rId: relationshipId(attributes) };
      if (attributes.state !== undefined) sheet.state = attributes.state;
      model.sheets.push(sheet);
    }
  });
  return model;
}

/** A sheet's r:id, whatever the prefix of the relationships namespace (r: as Excel writes it). */
function relationshipId(attributes: Record<string, string>): string {
  if (attributes['r:id'] !== undefined) return attributes['r:id'];
  for (const [key, value] of Object.entries(attributes)) if (key.endsWith(':id')) return value;
  return '';
}

/**
 * The number format of each cell style (<cellXfs>) of xl/styles.xml: a custom format of <numFmts>
 * or a built-in one by id; undefined for General (id 0) or an id neither names.
 */
export async function readNumberFormats(
  xml: AsyncIterable<string>,
): Promise<(styleId: number) => string | undefined> {
  const custom = new Map<number, string>();
  const styleFormats: number[] = [];
  let within: 'numFmts' | 'cellXfs' | null = null;
  await eachTag(
    xml,
    ({ attributes }, name) => {
      if (name === 'numFmts' || name === 'cellXfs') within = name;
      else if (within === 'numFmts' && name === 'numFmt')
        custom.set(
          parseInt(attributes.numFmtId ?? '', 10),
          // exceljs dropped the backslash of an escaped character ("\-" → "-"); so do we.
          (attributes.formatCode ?? '').replace(/[\\](.)/g, '$1'),
        );
      else if (within === 'cellXfs' && name === 'xf')
        styleFormats.push(parseInt(attributes.numFmtId ?? '', 10));
    },
    (name) => {
      if (name === within) within = null;
    },
  );
  return (styleId) => {
    const id = styleFormats[styleId];
    if (!id) return undefined; // no such style, General (0) or no id (NaN)
    return custom.get(id) || BUILT_IN_FORMATS[id] || undefined;
  };
}

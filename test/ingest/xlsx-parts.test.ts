import { expect } from 'chai';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  cellText,
  isDateFormat,
  isoDateTime,
  plainNumber,
} from '../../src/ingest/xlsx/cell-text.ts';
import { WORKBOOK_LIMITS } from '../../src/ingest/xlsx/limits.ts';
import {
  columnLetters,
  columnNumber,
  MergeIndex,
  MergeScanner,
  parseRange,
} from '../../src/ingest/xlsx/merge-cells.ts';
import {
  PackedStrings,
  readSharedStrings,
  unescapeXstring,
} from '../../src/ingest/xlsx/shared-strings.ts';
import { CELL_SEPARATOR, SheetCollector } from '../../src/ingest/xlsx/sheet-collector.ts';
import {
  readNumberFormats,
  readRelationships,
  readWorkbookModel,
} from '../../src/ingest/xlsx/workbook-parts.ts';
import { worksheetRows, type SheetXmlRow } from '../../src/ingest/xlsx/worksheet-xml.ts';
import { xmlText } from '../../src/ingest/xlsx/xml-text.ts';
import {
  checkZipEntries,
  parseCentralDirectory,
  openZipEntry,
  parseEndRecord,
  readZipDirectory,
  type ZipEntry,
} from '../../src/ingest/xlsx/zip-directory.ts';

/** exceljs's streaming reader, driven part by part as the worker drove it before it dropped it. */
const ExcelReader = createRequire(import.meta.url)(
  'exceljs/lib/stream/xlsx/workbook-reader.js',
) as new (
  file: string,
  options: Record<string, string>,
) => {
  _parseRels(part: Readable): Promise<void>;
  _parseWorkbook(part: Readable): Promise<void>;
  _parseStyles(part: Readable): Promise<void>;
  workbookRels?: { Id: string; Type: string; Target: string }[];
  model?: { sheets?: { name: string; rId: string; state?: string }[] };
  properties?: { model?: { date1904?: boolean } };
  styles?: { getStyleModel(id: number): { numFmt?: unknown } | null | undefined };
};

describe('workbook cells as text', () => {
  it('when a number would print in exponent form, then it is written out in full', () => {
    expect(plainNumber(5511999999999)).to.equal('5511999999999');
    expect(plainNumber(1e-7)).to.equal('0.0000001');
    expect(plainNumber(-1.5e-7)).to.equal('-0.00000015');
    expect(plainNumber(1.2345e21)).to.equal('1234500000000000000000');
    expect(plainNumber(0.1)).to.equal('0.1');
  });

  it('when a date has no time of day, then it reads as YYYY-MM-DD; with one, to the minute or second', () => {
    expect(isoDateTime(new Date(Date.UTC(2026, 0, 31)))).to.equal('2026-01-31');
    expect(isoDateTime(new Date(Date.UTC(2026, 0, 31, 13, 5)))).to.equal('2026-01-31T13:05');
    expect(isoDateTime(new Date(Date.UTC(2026, 0, 31, 13, 5, 7)))).to.equal('2026-01-31T13:05:07');
    // Serial-day noise: 12:59:59.9996 is 13:00.
    expect(isoDateTime(new Date(Date.UTC(2026, 0, 31, 13) - 0.4))).to.equal('2026-01-31T13:00');
  });

  it('when a number format shows a date, then it is recognised; quoted text and colours are not', () => {
    expect(isDateFormat('yyyy-mm-dd')).to.equal(true);
    expect(isDateFormat('[$-411]ggge"年"m"月"d"日"')).to.equal(true);
    expect(isDateFormat('#,##0.00')).to.equal(false);
    expect(isDateFormat('0" days"')).to.equal(false);
    expect(isDateFormat('[Red]0.00')).to.equal(false);
  });

  it('when a formula result is a number under a date format, then it reads as a date', () => {
    expect(cellText({ formula: 'TODAY()', result: 46053 }, 'yyyy-mm-dd', false)).to.deep.equal({
      text: '2026-01-31',
      type: 'formula',
      flag: null,
    });
  });

  it('when a formula result is an error, then the cell is flagged, not read as a value', () => {
    expect(cellText({ formula: '1/0', result: Number.NaN }, undefined, false)).to.deep.equal({
      text: '',
      type: 'formula',
      flag: 'FORMULA_WITHOUT_VALUE',
    });
    expect(cellText({ error: '#N/A' }, undefined, false)).to.include({
      text: '#N/A',
      flag: 'FORMULA_WITHOUT_VALUE',
    });
  });

  it('when rich text has several runs, then their text is joined', () => {
    expect(
      cellText({ richText: [{ text: 'São ' }, { text: 'Paulo' }] }, undefined, false),
    ).to.deep.equal({ text: 'São Paulo', type: 'text', flag: null });
  });

  it('when a value is an object no sound workbook holds, then it is unreadable', () => {
    expect(cellText({ sharedString: 3 }, undefined, false)).to.have.property('unreadable');
    expect(cellText({ what: 1 }, undefined, false)).to.deep.equal({
      unreadable: 'a value of an unknown kind (what)',
    });
  });
});

describe('merged cells', () => {
  it('when references are parsed, then columns and rows come out 1-based and ordered', () => {
    expect(columnNumber('A')).to.equal(1);
    expect(columnNumber('AA')).to.equal(27);
    expect(columnLetters(16384)).to.equal('XFD');
    expect(parseRange('$D$4:B3')).to.deep.equal({ top: 3, left: 2, bottom: 4, right: 4 });
    expect(parseRange('A1')).to.equal(null);
  });

  it('when <mergeCell> tags are split across chunks, then every range is still found', () => {
    const xml =
      '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>' +
      '<mergeCells count="3"><mergeCell ref="B3:B4"/><mergeCell ref=\'C5:E5\'/><mergeCell ref="F1:F1"/></mergeCells>' +
      '<pageMargins left="0.7"/></worksheet>';
    for (const size of [1, 3, 7, 11, 64]) {
      const scanner = new MergeScanner();
      for (let at = 0; at < xml.length; at += size)
        scanner.feed(Buffer.from(xml.slice(at, at + size), 'latin1'));
      // F1:F1 is a single cell: no merge at all.
      expect(scanner.ranges, `chunks of ${size}`).to.deep.equal([
        { top: 3, left: 2, bottom: 4, right: 2 },
        { top: 5, left: 3, bottom: 5, right: 5 },
      ]);
    }
  });

  it('when rows are asked in order, then the ranges covering each row come back', () => {
    const index = new MergeIndex([
      { top: 5, left: 1, bottom: 5, right: 2 },
      { top: 2, left: 3, bottom: 4, right: 3 },
    ]);
    expect(index.at(1)).to.deep.equal([]);
    expect(index.at(3).map((r) => r.left)).to.deep.equal([3]);
    expect(index.at(5).map((r) => r.left)).to.deep.equal([1]);
    expect(index.at(2).map((r) => r.left)).to.deep.equal([3]);
  });
});

describe('zip index', () => {
  function endRecord(count: number, size: number, offset: number): Buffer {
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(count, 8);
    end.writeUInt16LE(count, 10);
    end.writeUInt32LE(size, 12);
    end.writeUInt32LE(offset, 16);
    return end;
  }

  it('when the end record is followed by a comment, then it is still found', () => {
    const tail = Buffer.concat([Buffer.alloc(100), endRecord(2, 30, 60)]);
    tail.writeUInt16LE(5, 100 + 20);
    const withComment = Buffer.concat([tail, Buffer.from('hello')]);
    expect(parseEndRecord(withComment, 1000)).to.deep.equal({
      entryCount: 2,
      directorySize: 30,
      directoryOffset: 60,
      offset: 1100,
    });
  });

  it('when the index would lie past the end record, then the file is damaged', () => {
    expect(parseEndRecord(endRecord(1, 50, 90), 0)).to.include({
      ok: false,
      code: 'FILE_MALFORMED',
    });
  });

  it('when ZIP64 markers are set, then the file is over our limits', () => {
    expect(parseEndRecord(endRecord(0xffff, 10, 0), 100)).to.include({
      ok: false,
      code: 'FILE_LIMIT',
    });
  });

  it('when the directory is cut short, then the entry that is unreadable is named', () => {
    expect(parseCentralDirectory(Buffer.alloc(10), 1)).to.deep.include({
      ok: false,
      code: 'FILE_MALFORMED',
    });
  });

  it('when a small part compresses very well, then it is not held to the ratio; a large one is', () => {
    const entry = (uncompressedSize: number, compressedSize: number): ZipEntry => ({
      name: 'xl/worksheets/sheet1.xml',
      flags: 0,
      method: 8,
      compressedSize,
      uncompressedSize,
      localHeaderOffset: 0,
    });
    expect(checkZipEntries([entry(500_000, 100)], WORKBOOK_LIMITS)).to.equal(null);
    expect(checkZipEntries([entry(50_000_000, 100_000)], WORKBOOK_LIMITS)).to.include({
      code: 'FILE_LIMIT',
    });
    expect(checkZipEntries([{ ...entry(10, 10), flags: 1 }], WORKBOOK_LIMITS)).to.include({
      code: 'FILE_FORMAT',
    });
  });
});

describe('packed shared strings', () => {
  it('when more strings than one segment are pushed, then each comes back by index, empty entries too', () => {
    const table = new PackedStrings();
    const count = 40_000;
    for (let i = 0; i < count; i++) table.push(i === 8 ? '' : `s${i}-${'x'.repeat(i % 20)}`);
    table.finish();
    expect(table.length).to.equal(count);
    expect(table.at(0)).to.equal('s0-');
    expect(table.at(8)).to.equal('');
    expect(table.at(20_001)).to.equal(`s20001-${'x'.repeat(1)}`);
    expect(table.at(count - 1)).to.equal(`s${count - 1}-${'x'.repeat((count - 1) % 20)}`);
    expect(table.at(count)).to.equal(undefined);
  });

  it('when strings hold text beyond Latin-1 (Japanese, emoji, a lone surrogate), then each comes back exactly, in every segment', () => {
    const table = new PackedStrings();
    const texts = ['São Paulo ÿ', '山田 太郎', 'emoji 😀', 'lone \ud800 half', '', 'plain'];
    const count = 40_000; // three segments: some wide, the last one Latin-1 only
    const textOf = (i: number) => (i < 33_000 ? `${texts[i % texts.length]}${i}` : `p${i}`);
    for (let i = 0; i < count; i++) table.push(textOf(i));
    table.finish();
    const wrong: number[] = [];
    for (let i = 0; i < count; i += 1) if (table.at(i) !== textOf(i)) wrong.push(i);
    expect(wrong, 'indexes whose text came back different').to.deep.equal([]);
  });
});

/** XML handed over as a stream of `size` characters at a time. */
function inPieces(xml: string, size = xml.length): Readable {
  const pieces: string[] = [];
  for (let at = 0; at < xml.length; at += size) pieces.push(xml.slice(at, at + size));
  return Readable.from(pieces);
}

describe('shared strings', () => {
  const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const sst = (items: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${NS}">${items}</sst>`;
  /** The table read from `xml` handed over in pieces of `size` characters. */
  async function read(xml: string, size?: number): Promise<string[]> {
    const table = new PackedStrings();
    await readSharedStrings(inPieces(xml, size), table);
    return Array.from({ length: table.length }, (_, i) => table.at(i) as string);
  }

  const ITEMS = [
    '<si><t>plain</t></si>',
    '<si><t>山田</t><rPh sb="0" eb="2"><t>ヤマダ</t></rPh><phoneticPr fontId="1"/></si>',
    '<si><r><t>rich </t></r><r><rPr><b/></rPr><t xml:space="preserve">text </t></r></si>',
    '<si/>',
    '<si><t/></si>',
    '<si><t>a &amp; b &lt;c&gt; &#x5C71;&#30000; &quot;q&quot;</t></si>',
    '<si><t><![CDATA[<kept as is> & more]]></t><!-- a comment --></si>',
    '<x:si xmlns:x="urn:x"><x:t>prefixed</x:t></x:si>',
    '<si><t>cr_x000D_lf_x000a_ and _x005F_x000D_ kept</t></si>',
  ];
  const EXPECTED = [
    ...['plain', '山田', 'rich text ', '', '', 'a & b <c> 山田 "q"', '<kept as is> & more'],
    ...['prefixed', 'cr\rlf\n and _x000D_ kept'],
  ];

  it('when entries hold plain text, rich text, phonetic readings, entities, CDATA and escapes, then each reads as the cell shows it', async () => {
    expect(await read(sst(ITEMS.join('')))).to.deep.equal(EXPECTED);
  });

  it('when the XML arrives a character at a time, then the table is the same', async () => {
    expect(await read(sst(ITEMS.join('')), 1)).to.deep.equal(EXPECTED);
  });

  it('when the XML refers to an undefined entity or leaves a tag open, then reading fails', async () => {
    let error: Error | null = null;
    await read(sst('<si><t>a&nbsp;b</t></si>')).catch((err: Error) => (error = err));
    expect(String(error)).to.match(/entity/i);
    error = null;
    await read(sst('<si><t>open</si>')).catch((err: Error) => (error = err));
    expect(error).to.be.instanceOf(Error);
  });

  it('when only _x escapes of four hex digits are undone, then other underscores stay', () => {
    expect(unescapeXstring('_x0041__x41_ snake_case _x00zz_')).to.equal(
      'A_x41_ snake_case _x00zz_',
    );
  });

  it('when UTF-8 is cut at every byte, then xmlText gives back the text whole; bytes that are not UTF-8 fail naming the part', async () => {
    const text = 'São Paulo 山田太郎 😀 end';
    const bytes = Buffer.from(text, 'utf8');
    const whole = async (chunks: Buffer[]) => {
      let out = '';
      for await (const piece of xmlText(Readable.from(chunks), 'xl/sharedStrings.xml'))
        out += piece;
      return out;
    };
    const wrong: number[] = [];
    for (let cut = 0; cut <= bytes.length; cut++)
      if ((await whole([bytes.subarray(0, cut), bytes.subarray(cut)])) !== text) wrong.push(cut);
    expect(wrong).to.deep.equal([]);
    let error: Error | null = null;
    await whole([Buffer.from([0x3c, 0xff, 0x3e])]).catch((err: Error) => (error = err));
    expect(String(error)).to.equal('Error: part xl/sharedStrings.xml is not valid UTF-8');
  });
});

describe('worksheet rows', () => {
  const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const strings = new PackedStrings();
  strings.push('shared zero');
  strings.finish();
  const FORMATS: Record<number, string> = { 1: 'yyyy-mm-dd', 2: '0.00' };
  /** The rows of a worksheet whose <sheetData> is `data`, handed over `size` characters at a time. */
  async function rows(data: string, size?: number): Promise<SheetXmlRow[]> {
    const xml = `<?xml version="1.0"?><worksheet xmlns="${NS}"><dimension ref="A1"/><sheetData>${data}</sheetData><mergeCells count="0"/></worksheet>`;
    const out: SheetXmlRow[] = [];
    const context = { strings, date1904: false, numFmt: (id: number) => FORMATS[id] };
    for await (const batch of worksheetRows(inPieces(xml, size), context)) out.push(...batch);
    return out;
  }
  const values = (row: SheetXmlRow | undefined) => row?.cells.map((c) => [c.col, c.value]);

  const TYPED = [
    '<row r="2">',
    '<c r="A2" t="s"><v>0</v></c>',
    '<c r="B2" t="s"><v>9</v></c>',
    '<c r="C2" t="inlineStr"><is><r><t>first </t></r><r><rPr><b/></rPr><t>second_x000D_</t></r><rPh sb="0" eb="1"><t>reading</t></rPh></is></c>',
    '<c r="D2" t="inlineStr"><is><t>AT&amp;amp;T &amp;lt;b&amp;gt;</t></is></c>',
    '<c r="E2" t="str"><f>A2&amp;"!"</f><v>shared zero!</v></c>',
    '<c r="F2"><f>1/0</f></c>',
    '<c r="G2" t="e"><v>#N/A</v></c>',
    '<c r="H2" t="b"><v>1</v></c>',
    '<c r="I2" s="1"><v>46023</v></c>',
    '<c r="J2" s="2"><v>5511999999999</v></c>',
    '<c r="K2"/>',
    '</row>',
  ].join('');
  const TYPED_VALUES = [
    [1, 'shared zero'],
    [2, { sharedString: 9 }],
    [3, 'first second\r'],
    [4, 'AT&amp;T &lt;b&gt;'],
    [5, { formula: 'A2&"!"', result: 'shared zero!' }],
    [6, { formula: '1/0' }],
    [7, { error: '#N/A' }],
    [8, true],
    [9, new Date(Date.UTC(2026, 0, 1))],
    [10, 5511999999999],
  ];

  it('when cells hold each kind of value, then each comes back as exceljs gave it, without the text it lost', async () => {
    const [row] = await rows(TYPED);
    expect(row?.number).to.equal(2);
    expect(values(row)).to.deep.equal(TYPED_VALUES);
    expect(row?.cells.map((c) => c.numFmt)).to.deep.equal([
      ...Array<undefined>(8).fill(undefined),
      'yyyy-mm-dd',
      '0.00',
    ]);
  });

  it('when the XML arrives a character at a time, then the rows are the same', async () => {
    expect(values((await rows(TYPED, 1))[0])).to.deep.equal(TYPED_VALUES);
  });

  it('when cells omit their reference, repeat a column or come out of order, then each lands in its column', async () => {
    const [row] = await rows(
      '<row r="3"><c t="inlineStr"><is><t>a</t></is></c><c><v>2</v></c><c r="E3"><v>5</v></c><c r="C3"><v>3</v></c><c r="E3"><v>6</v></c></row>',
    );
    expect(values(row)).to.deep.equal([
      [1, 'a'],
      [2, 2],
      [3, 3],
      [5, 6],
    ]);
  });

  it('when a row has a style and its cells none, then the row style gives their number format', async () => {
    const [row] = await rows(
      '<row r="4" s="1" customFormat="1"><c r="A4"><v>46023</v></c><c r="B4" s="2"><v>1</v></c></row>',
    );
    expect(values(row)).to.deep.equal([
      [1, new Date(Date.UTC(2026, 0, 1))],
      [2, 1],
    ]);
  });

  it('when a cell holds an ISO date (t="d"), then it is a date, a wall-clock time when it has no zone; text that is no date stays text', async () => {
    const [row] = await rows(
      '<row r="6"><c r="A6" t="d"><v>2026-01-31</v></c><c r="B6" t="d"><v>2026-01-31T13:05:00</v></c><c r="C6" t="d"><v>2026-01-31T13:05:00+09:00</v></c><c r="D6" t="d"><v>soon</v></c></row>',
    );
    expect(values(row)).to.deep.equal([
      [1, new Date(Date.UTC(2026, 0, 31))],
      [2, new Date(Date.UTC(2026, 0, 31, 13, 5))],
      [3, new Date(Date.UTC(2026, 0, 31, 4, 5))],
      [4, 'soon'],
    ]);
  });

  it('when elements carry a namespace prefix, then they are read the same', async () => {
    const xml =
      '<x:row r="5"><x:c r="A5" t="inlineStr"><x:is><x:t>prefixed</x:t></x:is></x:c></x:row>';
    expect(values((await rows(xml))[0])).to.deep.equal([[1, 'prefixed']]);
  });

  it('when a row has no number, then it comes back as NaN; when a cell reference is not one, then reading fails', async () => {
    expect((await rows('<row><c r="A1"><v>1</v></c></row>'))[0]?.number).to.be.NaN;
    for (const ref of ['1A', 'a1', 'A', 'AB1x']) {
      let error: Error | null = null;
      await rows(`<row r="1"><c r="${ref}"><v>1</v></c></row>`).catch(
        (err: Error) => (error = err),
      );
      expect(String(error), ref).to.include(`cell reference that is not one ('${ref}')`);
    }
  });
});

describe('SheetCollector', () => {
  const row = (n: number, cells: string[], types = 't'.repeat(cells.length)) => ({
    row: n,
    text: cells.join(CELL_SEPARATOR),
    types,
  });

  it('when the header sits under title rows, then rows before it are not data and rows are cut to its width', () => {
    const sheet = new SheetCollector('Users', [], WORKBOOK_LIMITS);
    sheet.add(row(1, ['Acme users']));
    sheet.add(row(3, ['Customer external ID', 'Email']));
    sheet.add(row(4, ['c-1', 'a@x.example', 'extra']));
    sheet.add(row(9, ['c-2']));
    expect(sheet.finish()).to.equal(null);
    expect(sheet.head?.headerRow).to.equal(3);
    expect(sheet.take()).to.deep.equal([
      { row: 4, cells: ['c-1', 'a@x.example'], cellTypes: ['text', 'text'] },
      { row: 9, cells: ['c-2', ''], cellTypes: ['text', 'empty'] },
    ]);
    expect(sheet.notes).to.deep.equal([
      "sheet 'Users': values right of the last named column (B) were not read, the first in row 4",
    ]);
  });

  it('when no row of the first six is a header, then the sheet is ignored with a note', () => {
    const sheet = new SheetCollector('Prices', [], WORKBOOK_LIMITS);
    for (let n = 1; n <= 8; n++) sheet.add(row(n, ['Item', 'Price']));
    sheet.finish();
    expect([sheet.state, sheet.take()]).to.deep.equal(['ignored', []]);
  });

  it('when many rows share a shape, then they share one cellTypes array', () => {
    const sheet = new SheetCollector('Users', [], WORKBOOK_LIMITS);
    sheet.add(row(1, ['Customer external ID', 'Email']));
    for (let n = 2; n < 12; n++) sheet.add(row(n, ['c', 'e']));
    sheet.finish();
    const rows = sheet.take();
    expect(rows[0]?.cellTypes).to.equal(rows[9]?.cellTypes);
  });
});

describe('the small parts of a workbook (rels, workbook, styles)', () => {
  const FIXTURES = fileURLToPath(new URL('../../fixtures/xlsx/', import.meta.url));
  const text = (xml: string) => xmlText(Readable.from([Buffer.from(xml)]), 'part.xml');

  /** A part of a fixture as text; null when the fixture has no such part. */
  async function part(file: string, name: string): Promise<string | null> {
    const zip = await readZipDirectory(file, WORKBOOK_LIMITS);
    if (!zip.ok) throw new Error(zip.message);
    const entry = zip.entries.find((e) => e.name === name);
    if (!entry) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of openZipEntry(file, entry) as AsyncIterable<Buffer>)
      chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  }

  // The worker read these parts through exceljs's streaming reader until it dropped it: what it
  // reads now must be what exceljs gave, on every sound workbook we keep.
  for (const name of [
    'two-sheets-en.xlsx',
    'ja-headers.xlsx',
    'hidden-sheet.xlsx',
    'numbers-and-dates.xlsx',
    'formulas.xlsx',
    'merged-cells.xlsx',
    'inline-strings.xlsx',
    'phonetic.xlsx',
  ]) {
    it(`when ${name} is read, then its relationships, tabs, date system and each style's number format are those exceljs read`, async () => {
      const file = path.join(FIXTURES, name);
      const [rels, book, styles] = await Promise.all([
        part(file, 'xl/_rels/workbook.xml.rels'),
        part(file, 'xl/workbook.xml'),
        part(file, 'xl/styles.xml'),
      ]);
      const reader = new ExcelReader(file, { styles: 'cache' });
      await reader._parseRels(Readable.from([rels ?? '']));
      await reader._parseWorkbook(Readable.from([book ?? '']));
      if (styles) await reader._parseStyles(Readable.from([styles]));

      const relationships = await readRelationships(text(rels ?? ''));
      expect(relationships).to.deep.equal(
        (reader.workbookRels ?? []).map(({ Id, Type, Target }) => ({ Id, Type, Target })),
      );
      const model = await readWorkbookModel(text(book ?? ''));
      expect(model.sheets).to.have.length.greaterThan(0);
      expect(model.sheets).to.deep.equal(
        (reader.model?.sheets ?? []).map(({ name: tab, rId, state }) => ({
          name: tab,
          rId,
          ...(state === undefined ? {} : { state }),
        })),
      );
      expect(model.date1904).to.equal(reader.properties?.model?.date1904 === true);
      const numFmt = styles ? await readNumberFormats(text(styles)) : () => undefined;
      // Without a styles part exceljs's style lookup threw; no style has a format.
      for (let id = 0; id < 64; id++)
        expect(numFmt(id), `style ${id}`).to.equal(
          styles ? reader.styles?.getStyleModel(id)?.numFmt : undefined,
        );
    });
  }

  it('when styles name formats outside <numFmts> and <cellXfs>, then only a cell style numbers its format; escapes lose their backslash; General and unknown ids have none', async () => {
    const numFmt = await readNumberFormats(
      text(
        `<x:styleSheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
          <x:numFmts count="2"><x:numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><x:numFmt numFmtId="165" formatCode="0.000"/></x:numFmts>
          <x:cellStyleXfs count="1"><x:xf numFmtId="14"/></x:cellStyleXfs>
          <x:cellXfs count="5"><x:xf numFmtId="0"/><x:xf numFmtId="164"/><x:xf numFmtId="14"/><x:xf numFmtId="165"/><x:xf numFmtId="200"/></x:cellXfs>
          <x:dxfs count="1"><x:dxf><x:numFmt numFmtId="165" formatCode="@"/></x:dxf></x:dxfs>
        </x:styleSheet>`,
      ),
    );
    expect([0, 1, 2, 3, 4, 5].map(numFmt)).to.deep.equal([
      undefined,
      'yyyy-mm-dd',
      'mm-dd-yy',
      '0.000',
      undefined,
      undefined,
    ]);
  });

  it('when the workbook uses the 1904 date system and another prefix for relationships, then both are read; a sheet name is decoded once', async () => {
    const model = await readWorkbookModel(
      text(
        `<workbook xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
          <workbookPr date1904="1"/>
          <sheets><sheet name="AT&amp;amp;T" sheetId="1" rel:id="rId3"/><sheet name="Old" sheetId="2" state="veryHidden" rel:id="rId4"/></sheets>
        </workbook>`,
      ),
    );
    expect(model).to.deep.equal({
      date1904: true,
      sheets: [
        { name: 'AT&amp;T', rId: 'rId3' },
        { name: 'Old', rId: 'rId4', state: 'veryHidden' },
      ],
    });
  });
});

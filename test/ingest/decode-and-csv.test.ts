import { expect } from 'chai';
import iconv from 'iconv-lite';
import { decodeText, readCsv } from '../../src/ingest/index.ts';

describe('decodeText', () => {
  it('when windows-1252 is decoded, then 0x80 is the euro sign (Node 20 TextDecoder gets it wrong)', () => {
    expect(iconv.decode(Buffer.from([0x80]), 'windows-1252')).to.equal('€');
    const res = decodeText(Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80]), 'windows-1252');
    expect(res).to.deep.equal({ ok: true, text: 'Café €', encoding: 'windows-1252' });
  });

  it('when a BOM is present, then it decides the encoding', () => {
    expect(decodeText(Buffer.from([0xef, 0xbb, 0xbf, 0x41]), 'cp932')).to.deep.equal({
      ok: true,
      text: 'A',
      encoding: 'utf-8-bom',
    });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('外部ID\tx', 'utf16le')]);
    expect(decodeText(utf16, 'cp932')).to.deep.equal({
      ok: true,
      text: '外部ID\tx',
      encoding: 'utf-16le',
    });
  });

  it('when the bytes are Shift_JIS and the partner is Japanese, then cp932 decodes them, NEC extensions included', () => {
    const bytes = iconv.encode('顧客名,①', 'cp932');
    expect(decodeText(bytes, 'cp932')).to.deep.equal({
      ok: true,
      text: '顧客名,①',
      encoding: 'cp932',
    });
  });

  it('when nothing decodes cleanly, then FILE_ENCODING names the encodings tried', () => {
    const res = decodeText(Buffer.from([0x41, 0x81, 0x8d, 0x42]), 'windows-1252');
    expect(res.ok).to.equal(false);
    if (!res.ok) {
      expect(res.code).to.equal('FILE_ENCODING');
      expect(res.message).to.contain('utf-8, windows-1252');
    }
  });
});

describe('readCsv', () => {
  it('when the sheet uses ; and a sep= line, then the delimiter is honoured and rows keep their spreadsheet numbers', async () => {
    const res = await readCsv(
      'sep=;\r\nID externo;Nome do cliente\r\nc-1;Padaria São João\r\n\r\nc-2;"Lima; Filhos"\r\n',
    );
    expect(res.ok).to.equal(true);
    if (res.ok) {
      expect(res.sheet.delimiter).to.equal(';');
      expect(res.sheet.map.kind).to.equal('customers');
      expect(res.sheet.rows).to.deep.equal([
        { row: 2, cells: ['c-1', 'Padaria São João'] },
        { row: 4, cells: ['c-2', 'Lima; Filhos'] },
      ]);
    }
  });

  it('when title rows sit above the header, then the header is found under them', async () => {
    const res = await readCsv(
      'Acme customers,\nexported 2026-11-01,\nExternal ID,Customer name\nc-1,X\n',
    );
    expect(res.ok && res.sheet.headerRow).to.equal(3);
  });

  it('when a quote is never closed, then FILE_MALFORMED gives its line and no row is half-read', async () => {
    const res = await readCsv('External ID,Customer name\nc-1,ok\n"c-2,broken\nc-3,x\n');
    expect(res).to.deep.include({ ok: false, code: 'FILE_MALFORMED' });
    if (!res.ok) expect(res.message).to.match(/^line \d+: a quoted field is never closed/);
  });

  it('when a quoted cell is longer than a record may be (1 MB), then FILE_LIMIT names the limit, the row and the column, not an unclosed quote', async () => {
    const cell = 'x'.repeat(1024 * 1024 + 10);
    const res = await readCsv(`External ID,Customer name\nc-1,ok\nc-2,"${cell}"\nc-3,x\n`);
    expect(res).to.deep.equal({
      ok: false,
      code: 'FILE_LIMIT',
      message:
        'row 3, column Customer name: the row is longer than the 1,048,576 bytes (1 MB) a row may hold: shorten the cell, or split what it holds across rows',
    });
  });

  it('when an unquoted cell is longer than a record may be, then FILE_LIMIT too', async () => {
    const res = await readCsv(`External ID,Customer name\nc-1,${'x'.repeat(1024 * 1024 + 10)}\n`);
    expect(res).to.deep.include({ ok: false, code: 'FILE_LIMIT' });
  });

  it('when a quote opens and more than 1 MB follows without closing it, then FILE_MALFORMED names the line where it opened', async () => {
    let text = 'External ID,Customer name\nc-1,ok\n"c-2,broken\n';
    for (let i = 0; i < 60_000; i++) text += `c-${i},Name number ${i}\n`;
    expect(text.length).to.be.above(1024 * 1024);
    const res = await readCsv(text);
    expect(res).to.deep.include({ ok: false, code: 'FILE_MALFORMED' });
    if (!res.ok) expect(res.message).to.match(/^line 3: a quoted field is never closed/);
  });

  it('when a row has more fields than the header, then FILE_MALFORMED names the line', async () => {
    const res = await readCsv('External ID,Customer name\nc-1,a,b\n');
    expect(res).to.deep.equal({
      ok: false,
      code: 'FILE_MALFORMED',
      message: 'line 2 has 3 fields where the header has 2: check for a stray delimiter or quote',
    });
  });

  it('when no row looks like a header, then FILE_HEADER', async () => {
    const res = await readCsv('a,b\n1,2\n');
    expect(res).to.deep.include({ ok: false, code: 'FILE_HEADER' });
  });

  it('when an address starts with #, then it is data, not a comment', async () => {
    const res = await readCsv('External ID,Address line 1\nc-1,#5 Main St\n');
    expect(res.ok && res.sheet.rows[0]?.cells).to.deep.equal(['c-1', '#5 Main St']);
  });
});

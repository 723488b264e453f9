// Focused tests for the fixes the hazard fixtures of issue #4 showed (test/ingest/hazards.test.ts).
import { expect } from 'chai';
import iconv from 'iconv-lite';
import { decodeText, readCsv } from '../../src/ingest/index.ts';

describe('hazards: damaged text that decodes cleanly', () => {
  const header = 'External ID,Customer name\r\n';

  it('when UTF-8 holds U+FFFD, then FILE_ENCODING names its line and the encoding tried', () => {
    const res = decodeText(Buffer.from(`${header}c-1,Caf\uFFFD\r\n`, 'utf8'), 'windows-1252');
    expect(res).to.deep.equal({
      ok: false,
      code: 'FILE_ENCODING',
      message:
        'line 2 holds a replacement character (U+FFFD) where a letter was lost: the text was damaged by a conversion before it was sent; save it again as "CSV UTF-8" from the original (tried utf-8)',
    });
  });

  it('when UTF-8 holds C1 controls (windows-1252 quotes read as Latin-1), then FILE_ENCODING names the character', () => {
    const res = decodeText(Buffer.from(`${header}c-1,\u0093Best\u0094\r\n`, 'utf8'), 'cp932');
    expect(res.ok).to.equal(false);
    if (!res.ok)
      expect(res.message).to.match(
        /^line 2 holds a control character \(U\+0093\).*\(tried utf-8\)$/,
      );
  });

  it('when a BOM decides the encoding and the text holds U+FFFD, then it is refused the same way', () => {
    for (const [bom, encoding] of [
      [[0xef, 0xbb, 0xbf], 'utf-8'],
      [[0xff, 0xfe], 'utf-16le'],
      [[0xfe, 0xff], 'utf-16be'],
    ] as const) {
      const body = iconv.encode(`${header}c-1,Caf\uFFFD\r\n`, encoding);
      const res = decodeText(Buffer.concat([Buffer.from(bom), body]), 'windows-1252');
      expect(res.ok, encoding).to.equal(false);
      if (!res.ok) expect(res.message).to.contain(`(tried ${encoding} (from its byte-order mark))`);
    }
  });

  it('when the text is sound, then accents, Japanese and the euro sign pass', () => {
    const text = `${header}c-1,São Paulo 顧客 ① €\r\n`;
    expect(decodeText(Buffer.from(text, 'utf8'), 'cp932')).to.deep.equal({
      ok: true,
      text,
      encoding: 'utf-8',
    });
  });
});

describe('hazards: an unclosed quote', () => {
  it('when a quote opens on line 3 of 5, then FILE_MALFORMED names line 3, not the end of the file', async () => {
    const res = await readCsv('External ID,Customer name\nc-1,ok\n"c-2,broken\nc-3,x\nc-4,y\n');
    expect(res).to.deep.include({ ok: false, code: 'FILE_MALFORMED' });
    if (!res.ok) expect(res.message).to.match(/^line 3: a quoted field is never closed/);
  });

  it('when the quote opens in a record after title rows and blank lines, then the line still counts them', async () => {
    const res = await readCsv('Title\n\nExternal ID,Customer name\nc-1,ok\n\nc-2,"broken\n');
    if (res.ok) throw new Error('expected a refusal');
    expect(res.message).to.match(/^line 6: /);
  });
});

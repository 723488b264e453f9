import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { guessLegacyEncoding } from '../../src/ingest/decode.ts';
import { hasRecognisableHeader } from '../../src/ingest/read-csv.ts';
import type { Summary } from '../../src/reports/index.ts';
import { REPO_ROOT, runCli, tempHome, writeConfig } from '../support/cli.ts';
import { dropFile } from '../support/sheets.ts';

const fixture = (name: string) => readFileSync(path.join(REPO_ROOT, 'fixtures', 'hazards', name));

/**
 * Partners who were never configured (issue 18, item 5): a text file that is not UTF-8 is read in
 * the one legacy encoding its content fits, and the summary says so; only a file that fits none,
 * or both, is refused, saying what the partner and an operator can do.
 */
describe('ingest: the encoding of a partner nobody configured', () => {
  it('when a Shift_JIS sheet and a windows-1252 sheet reach unconfigured partners, then each is read in its encoding and the notes say it was judged', async function () {
    this.timeout(60_000);
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    dropFile(path.join(home, 'inbox', 'tokyo'), 'kokyaku.csv', fixture('cp932-ja.csv'));
    dropFile(
      path.join(home, 'inbox', 'rio'),
      'clientes.csv',
      fixture('win1252-semicolon-ptbr.csv'),
    );
    const res = await runCli(['import', '--json'], { home });
    const s = JSON.parse(res.stdout) as Summary;
    expect(s.files.map((f) => [f.partner, f.status, f.encoding]).sort()).to.deep.equal([
      ['rio', 'processed', 'windows-1252'],
      ['tokyo', 'processed', 'cp932'],
    ]);
    expect(s.rows.accepted).to.be.greaterThan(0);
    expect(s.notes.join('\n')).to.contain('tokyo/kokyaku.csv: not UTF-8; read as cp932');
    expect(s.notes.join('\n')).to.contain('rio/clientes.csv: not UTF-8; read as windows-1252');
  });

  it('when a sheet reads as well in both, then it is refused naming what the partner and an operator can set', async function () {
    this.timeout(60_000);
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    // Bytes that are common kanji in cp932 and curly quotes around letters in windows-1252.
    const header =
      'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages,Provisioning ID\r\n';
    const row = Buffer.concat([
      Buffer.from('amb-1,'),
      Buffer.from([0x93, 0x61, 0x94, 0x62]),
      Buffer.from(',it@amb.example,1 Main St,Austin,TX,78701,US,webex_meetings,P1\r\n'),
    ]);
    dropFile(path.join(home, 'inbox', 'who'), 'x.csv', Buffer.concat([Buffer.from(header), row]));
    const res = await runCli(['import', '--json'], { home });
    const s = JSON.parse(res.stdout) as Summary;
    const refused = s.files[0];
    expect([refused?.status, refused?.code]).to.deep.equal(['quarantined', 'FILE_ENCODING']);
    expect(refused?.message).to.contain('CSV UTF-8');
    expect(refused?.message).to.contain('partners.who.encoding');
  });

  it('when judged alone, then Japanese text is cp932, Portuguese text windows-1252, and text that fits neither is not guessed', () => {
    const header = 'External ID,Customer name,Country\r\n';
    const ja = iconv.encode(`${header}t-1,山田商店,JP\r\n`, 'cp932');
    const pt = iconv.encode(`${header}b-1,Padaria São João Ltda,BR\r\n`, 'windows-1252');
    expect(guessLegacyEncoding(ja, hasRecognisableHeader)).to.deep.equal({ encoding: 'cp932' });
    expect(guessLegacyEncoding(pt, hasRecognisableHeader)).to.deep.equal({
      encoding: 'windows-1252',
    });
    const neither = Buffer.concat([Buffer.from(header), Buffer.from([0x81, 0x7f, 0x0a])]);
    expect(guessLegacyEncoding(neither, hasRecognisableHeader).encoding).to.equal(null);
  });
});

import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeReportCsv, writeReportCsvBatches } from '../../src/reports/index.ts';

/** Fields a partner sheet or a Webex report could hold, each a way a CSV line can go wrong. */
const AWKWARD = [
  'plain',
  '',
  '=1+1',
  '-2',
  '+81312345678',
  '@SUM(A1)',
  '\tindent',
  '\rcarriage',
  'Evil\n=HYPERLINK("http://x")',
  'a,b',
  'say "hi"',
  '＝１',
  '－1',
  '＋1',
  '＠x',
  '東京',
  "it's",
  'mid-dle=ok',
  'line\nbreak',
  'mid\rreturn',
  'São Paulo',
  '😀 emoji',
  'lone \uD800 surrogate',
  '\uDC00',
  'x'.repeat(300_000),
];

describe('billing.csv written in batches (writeReportCsvBatches)', function () {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rtm-billing-csv-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when records hold text to quote or formulas, then the file is byte for byte what the one CSV writer makes record by record', async () => {
    const records = [
      ['partner', 'level', 'user_email'],
      ...AWKWARD.map((f, i) => ['acme', 'user', f, String(i)]),
      ...AWKWARD.map((f) => [f, f, 'plain']),
      ['only', 'plain', 'fields'],
    ];
    await writeReportCsv(path.join(dir, 'one.csv'), records);
    await writeReportCsvBatches(path.join(dir, 'batches.csv'), [
      records.slice(0, 5),
      [],
      records.slice(5, 20),
      records.slice(20),
    ]);
    const batches = readFileSync(path.join(dir, 'batches.csv'));
    expect(batches.equals(readFileSync(path.join(dir, 'one.csv')))).to.equal(true);
    const text = batches.toString('utf8');
    expect(text.startsWith('\uFEFFpartner,level,user_email\r\n')).to.equal(true);
    // No partner text starts a line or a field as a live formula.
    expect(text).to.contain(`"Evil\n=HYPERLINK(""http://x"")"`);
    expect(text).to.contain(`acme,user,'=1+1,2\r\n`);
    expect(text).to.contain(`acme,user,'＝１,11\r\n`);
  });

  it('when the batches fail midway, then no file is left under the name', async () => {
    async function* failing(): AsyncGenerator<string[][]> {
      yield [['a', 'b']];
      await Promise.resolve();
      throw new Error('report broke');
    }
    const target = path.join(dir, 'billing.csv');
    let failed: unknown = null;
    await writeReportCsvBatches(target, failing()).catch((e: unknown) => (failed = e));
    expect((failed as Error).message).to.equal('report broke');
    expect(() => readFileSync(target)).to.throw();
  });
});

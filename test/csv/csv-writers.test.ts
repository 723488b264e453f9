// Issue #16, item 7: every CSV the program writes, fed hostile text in every cell it can hold
// (partner values, file names, partner and Webex words, our own messages), then read back with
// csv-parse as a spreadsheet reads it (a bare CR or LF ends a record unless it is quoted). The same
// records must come back, each cell the text written with a leading apostrophe where it would
// otherwise start a formula.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CsvResultsWriter, RESULT_COLUMNS, renderResultCells } from '../../src/results/index.ts';
import {
  planIssuesCsvRows,
  reconciliationColumns,
  reconciliationCsvRow,
  writeIssuesCsv,
  writeReconciliationCsv,
  type ReconcileLine,
} from '../../src/reports/index.ts';
import {
  planDeprovisionCandidatesCsv,
  writeDeprovisionCandidatesCsv,
} from '../../src/rpl/index.ts';
import type { DeprovisionCandidate } from '../../src/rpl/candidates.ts';
import type { RowResult } from '../../src/store/index.ts';
import { anIssue } from '../reports/builders.ts';

/** Text that splits a record or runs as a formula when written carelessly. */
const HOSTILE = [
  'Evil\n=HYPERLINK("http://x")',
  'Evil\r=1+1',
  'Evil\r\n@SUM(A1)',
  '\n=HYPERLINK("http://x")',
  '=1+1',
  '+1 555 0100',
  '-2+3',
  '@SUM(A1)',
  '\t=1',
  '\r=1',
  '＝1+1',
  '＋1',
  '－1',
  '＠SUM(A1)',
  'say "hi"',
  '"=1+1"',
  'a,b',
  'a;b',
  'a\tb',
];

/** What a spreadsheet would run as a formula: the cell's first character. */
const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;

/** A cell as the writer must put it: an apostrophe before a formula start, otherwise as it is. */
const neutralised = (cell: string) => (FORMULA_START.test(cell) ? `'${cell}` : cell);

/** Reads CSV text as Excel would: any of CRLF, LF or CR ends an unquoted record. */
function readBack(text: string, delimiter = ','): string[][] {
  return parse(text, {
    bom: true,
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
  }) as string[][];
}

/** The file holds exactly `records`, cell for cell, neutralised, and nothing starts a formula. */
function expectSameCells(written: string[][], records: string[][]): void {
  expect(written).to.have.length(records.length);
  expect(written).to.deep.equal(records.map((r) => r.map(neutralised)));
  for (const record of written)
    for (const cell of record) expect(cell, JSON.stringify(cell)).not.to.match(FORMULA_START);
}

/** The hostile texts, one per record, each in the position `i` of the list shifted by `k`. */
const pick = (i: number, k = 0) => HOSTILE[(i + k) % HOSTILE.length] as string;

describe('CSV writers: hostile text in every cell comes back as the same cells, never a formula', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rtm-csv-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when issues carry hostile partners, file names, sheets, columns, values and messages, then issues.csv holds one record per issue', async () => {
    const issues = HOSTILE.map((_, i) =>
      anIssue({
        partner: pick(i),
        file: `${pick(i, 1)}.csv`,
        sheet: pick(i, 2),
        row: i + 2,
        column: pick(i, 3),
        value: pick(i, 4),
        code: 'INVALID_EMAIL',
        message: pick(i, 5),
      }),
    );
    const target = path.join(dir, 'issues.csv');
    await writeIssuesCsv(target, issues, 'ja');
    expectSameCells(readBack(await readFile(target, 'utf8')), planIssuesCsvRows(issues, 'ja'));
  });

  it('when reconciliation lines carry hostile partners, keys, Webex ids and Webex values, then reconciliation.csv holds one record per line', async () => {
    const lines: ReconcileLine[] = HOSTILE.map((_, i) => ({
      partner: pick(i),
      entity: i % 2 ? 'customer' : 'subscriber',
      key: pick(i, 1),
      webexId: pick(i, 2),
      category: 'drifted',
      reason: 'differs',
      status: pick(i, 3),
      diffs: [{ field: 'address.city', webex: pick(i, 4), expected: pick(i, 5) }],
      pendingChange: false,
    }));
    const target = path.join(dir, 'reconciliation.csv');
    await writeReconciliationCsv(target, lines, 'en');
    expectSameCells(readBack(await readFile(target, 'utf8')), [
      reconciliationColumns('en'),
      ...lines.map((l) => reconciliationCsvRow(l, 'en')),
    ]);
  });

  for (const fileName of ['deprovision-candidates.csv', 'deprovision-plan.csv'])
    it(`when candidates carry hostile customer ids, names, statuses and emails, then ${fileName} holds one record per candidate`, async () => {
      const candidates: DeprovisionCandidate[] = HOSTILE.map((_, i) => ({
        partner: pick(i),
        checkId: i + 1,
        customerId: i + 1,
        externalId: pick(i, 1),
        customerName: pick(i, 2),
        webexId: pick(i, 3),
        webexOrgId: null,
        desiredOrgId: null,
        trigger: pick(i, 4),
        openedAt: '2026-01-01T00:00:00.000Z',
        ageMinutes: -5,
        ageDays: 31,
        lastStatus: pick(i, 5),
        attempts: 3,
        unreachableAttempts: 3,
        reasons: ['unreachable_attempts'],
        users: [{ email: pick(i, 6), webexId: null }],
      }));
      const target = await writeDeprovisionCandidatesCsv(dir, candidates, 'pt-BR', fileName);
      expect(path.basename(target)).to.equal(fileName);
      expectSameCells(
        readBack(await readFile(target, 'utf8')),
        planDeprovisionCandidatesCsv(candidates, 'pt-BR'),
      );
    });

  const layouts = [
    { encoding: 'utf-8', iconv: 'utf-8', delimiter: ',' },
    { encoding: 'utf-8-bom', iconv: 'utf-8', delimiter: ';' },
    { encoding: 'cp932', iconv: 'cp932', delimiter: ',' },
    { encoding: 'windows-1252', iconv: 'win1252', delimiter: ';' },
    { encoding: 'utf-16le', iconv: 'utf-16le', delimiter: '\t' },
  ];
  for (const layout of layouts)
    it(`when a ${layout.encoding} file delimited by ${JSON.stringify(layout.delimiter)} gets its results, then the results file holds its records and results cell for cell`, async () => {
      // Only the text the encoding can hold (windows-1252 has no full-width forms).
      const texts = HOSTILE.filter(
        (t) => iconv.decode(iconv.encode(t, layout.iconv), layout.iconv) === t,
      );
      const header = ['External ID', texts[0] as string, 'Address line 1'];
      const rows = texts.map((t, i) => [`c-${i}`, t, texts[(i + 1) % texts.length] as string]);
      const results: RowResult[] = rows.map((_, i) => ({
        sheet: '',
        row: i + 2,
        outcome: 'rejected',
        result: null,
        kind: 'customer',
        webexId: texts[(i + 2) % texts.length] as string,
        issues: [],
        resultCode: 'INVALID_NAME_CHAR',
        // A message kept as it was rendered: the cell holds it as it is.
        resultText: texts[(i + 3) % texts.length] as string,
      }));
      const target = path.join(dir, `results.${layout.encoding}.csv`);
      const writer = await CsvResultsWriter.open(
        target,
        { encoding: layout.encoding, delimiter: layout.delimiter, headerRow: 1, sep: null },
        'en',
      );
      await writer.record(1, header, undefined);
      for (const [i, cells] of rows.entries()) await writer.record(i + 2, cells, results[i]);
      await writer.end();

      const text = iconv.decode(await readFile(target), layout.iconv);
      expectSameCells(readBack(text, layout.delimiter), [
        [...header, ...RESULT_COLUMNS.en],
        ...rows.map((cells, i) => [...cells, ...renderResultCells(results[i], 'en')]),
      ]);
    });
});

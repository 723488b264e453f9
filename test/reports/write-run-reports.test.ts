import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import {
  validateSummary,
  writeAtomically,
  writeReportsIndex,
  writeRunReports,
  type ReportInput,
  type Summary,
  emptyPlanSummary,
} from '../../src/reports/index.ts';
import { aFile, anIssue, aSummary } from './builders.ts';
import { readReportXlsx, REPORT_SHEETS } from './read-report-xlsx.ts';

const COUNTS_NONE = {
  inSync: 0,
  drifted: 0,
  missingInWebex: 0,
  orphansInWebex: 0,
  parked: 0,
  partnerOwnOrg: 0,
};

const FORMULAS = ["=cmd|' /C calc'!A0", '＝1+1', '+SUM(A1:A2)', '-2+3', '@SUM(A1)', '\t=1'];

function anInput(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    summary: aSummary(),
    issues: [
      ...FORMULAS.map((value, i) => anIssue({ row: i + 2, value })),
      anIssue({
        partner: 'tokyo-tel',
        file: '顧客.csv',
        column: 'メールアドレス',
        value: '山田@例',
        message: '無効なメールアドレス',
      }),
    ],
    locale: 'en',
    ...overrides,
  };
}

describe('writeRunReports', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rtm-reports-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when a run is written, then the folder holds exactly the four reports and summary.json validates', async () => {
    const reportDir = path.join(dir, 'reports', 'run-1');
    const input = anInput();
    await writeRunReports(reportDir, input, []);

    expect((await readdir(reportDir)).sort()).to.deep.equal([
      'issues.csv',
      'report.html',
      'report.xlsx',
      'summary.json',
    ]);
    const text = await readFile(path.join(reportDir, 'summary.json'), 'utf8');
    expect(text).to.match(/^\{\n {2}"runId"/); // pretty-printed
    const written: unknown = JSON.parse(text);
    expect(written).to.deep.equal(input.summary);
    expect(validateSummary(written)).to.deep.equal([]);
  });

  it('when issues look like formulas, then issues.csv neutralises every one and keeps the rest verbatim', async () => {
    await writeRunReports(dir, anInput(), []);
    const bytes = await readFile(path.join(dir, 'issues.csv'));
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]); // UTF-8 BOM for Excel

    const records: string[][] = parse(bytes, { bom: true });
    expect(records[0]).to.deep.equal([
      'Partner',
      'File',
      'Sheet',
      'Row',
      'Column',
      'Value',
      'Code',
      'Message',
    ]);
    expect(records.slice(1, 1 + FORMULAS.length).map((r) => r[5])).to.deep.equal(
      FORMULAS.map((f) => `'${f}`),
    );
    expect(records[1 + FORMULAS.length]).to.deep.equal([
      'tokyo-tel',
      '顧客.csv',
      '',
      '14',
      'メールアドレス',
      '山田@例',
      'INVALID_EMAIL',
      '無効なメールアドレス',
    ]);
  });

  it('when the workbook is written, then its sheets have bold, frozen, filtered headers and partner text stays text', async () => {
    await writeRunReports(dir, anInput(), []);
    const wb = await readReportXlsx(dir);
    expect(wb.worksheets.map((ws) => ws.name)).to.deep.equal(REPORT_SHEETS);

    for (const ws of wb.worksheets) {
      expect(ws.getRow(1).getCell(1).font?.bold, ws.name).to.equal(true);
      expect(ws.views[0], ws.name).to.include({ state: 'frozen', ySplit: 1 });
      expect(ws.autoFilter, ws.name).to.not.equal(undefined);
    }
    const issues = wb.getWorksheet('Issues');
    expect(issues?.getRow(1).values).to.deep.equal([
      undefined,
      'Partner',
      'File',
      'Sheet',
      'Row',
      'Column',
      'Value',
      'Code',
      'Message',
    ]);
    const cmd = issues?.getRow(2).getCell(6);
    expect(cmd?.type).to.equal(ExcelJS.ValueType.String);
    expect(cmd?.value).to.equal("=cmd|' /C calc'!A0");
    expect(cmd?.formula).to.equal(undefined);
    expect(cmd?.hyperlink).to.equal(undefined);
    expect(issues?.getRow(2).getCell(4).value).to.equal(2); // row numbers stay numbers
    expect(issues?.rowCount).to.equal(1 + FORMULAS.length + 1);

    const summary = wb.getWorksheet('Summary');
    const pairs = new Map<string, unknown>();
    summary?.eachRow((row) =>
      pairs.set(`${row.getCell(1).text}/${row.getCell(2).text}`, row.getCell(3).value),
    );
    expect(pairs.get('Run report/Run ID')).to.equal('20250301T020000Z-a1b2c3');
    expect(pairs.get('Rows/Rejected')).to.equal(34);
    expect(pairs.get('Subscribers/Created')).to.equal(1100);
    expect(pairs.get('Issues by code/INVALID_EMAIL')).to.equal(30);
  });

  it('when the run reconciled with drift, then a Reconciliation sheet lists each field that differs, before and after, as text', async () => {
    const reconcile = {
      inSync: 1,
      drifted: 1,
      missingInWebex: 0,
      orphansInWebex: 1,
      parked: 0,
      partnerOwnOrg: 0,
    };
    const drifted = {
      partner: 'acme',
      entity: 'customer' as const,
      key: '=HYPERLINK("http://x","c-1")',
      webexId: 'W-1',
      category: 'drifted' as const,
      reason: 'differs' as const,
      status: 'provisioned',
      diffs: [
        { field: 'address.city', webex: '=1+1', expected: 'Austin' },
        { field: 'packages', webex: 'webex_meetings', expected: 'webex_calling' },
      ],
      pendingChange: false,
    };
    const orphan = {
      ...drifted,
      key: 'stray',
      category: 'orphansInWebex' as const,
      reason: 'notInSheets' as const,
      diffs: [],
    };
    const inSync = { ...orphan, key: 'c-2', category: 'inSync' as const, reason: 'same' as const };
    await writeRunReports(
      dir,
      anInput({
        summary: aSummary({ reconcile }),
        reconciliation: [drifted, orphan, inSync],
      }),
      [],
    );
    const wb = await readReportXlsx(dir);
    const ws = wb.getWorksheet('Reconciliation');
    expect(ws?.views[0]).to.include({ state: 'frozen', ySplit: 1 });
    expect(ws?.autoFilter).to.not.equal(undefined);
    const rows = [2, 3, 4].map((r) =>
      [3, 5, 7, 8, 9].map((c) => ws?.getRow(r).getCell(c).value ?? null),
    );
    expect(rows).to.deep.equal([
      ['=HYPERLINK("http://x","c-1")', 'drifted', 'address.city', '=1+1', 'Austin'],
      ['=HYPERLINK("http://x","c-1")', 'drifted', 'packages', 'webex_meetings', 'webex_calling'],
      ['stray', 'orphansInWebex', null, null, null],
    ]);
    expect(ws?.getRow(2).getCell(3).type).to.equal(ExcelJS.ValueType.String);
    expect(ws?.getRow(2).getCell(7).type).to.equal(ExcelJS.ValueType.String);
    expect(ws?.rowCount).to.equal(4);
  });

  it('when the locale is ja and a plan is given, then workbook headers are Japanese and a Plan sheet lists it', async () => {
    await writeRunReports(
      dir,
      anInput({
        locale: 'ja',
        summary: aSummary({
          dryRun: true,
          plan: { ...emptyPlanSummary(), create: 1, update: 0, delete: 0, unchanged: 0 },
        }),
        plan: [{ partner: 'tokyo-tel', entity: 'customer', key: 'C-1', action: 'create' }],
      }),
      [],
    );
    const wb = await readReportXlsx(dir);
    expect(wb.worksheets.map((ws) => ws.name)).to.deep.equal([...REPORT_SHEETS, 'Plan']);
    expect(wb.getWorksheet('Files')?.getRow(1).getCell(1).value).to.equal('パートナー');
    expect(wb.getWorksheet('Plan')?.getRow(2).values).to.deep.equal([
      undefined,
      'tokyo-tel',
      '顧客',
      'C-1',
      '作成',
    ]);
    const csv: string[][] = parse(await readFile(path.join(dir, 'issues.csv')), { bom: true });
    expect(csv[0]?.[0]).to.equal('パートナー');
  });

  it('when a report is rewritten, then the new files replace the old and no temporary file is left', async () => {
    await writeRunReports(dir, anInput(), []);
    await writeRunReports(
      dir,
      anInput({ summary: aSummary({ status: 'ok', exitCode: 0 }), issues: [] }),
      [],
    );
    expect((await readdir(dir)).sort()).to.deep.equal([
      'issues.csv',
      'report.html',
      'report.xlsx',
      'summary.json',
    ]);
    const summary = JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8')) as {
      status: string;
    };
    expect(summary.status).to.equal('ok');
    const csv: string[][] = parse(await readFile(path.join(dir, 'issues.csv')), { bom: true });
    expect(csv).to.have.length(1);
  });
  it('when run text carries a configured secret, a bearer token or a URL password, then no report file holds them, and the input is left as it was', async () => {
    const secret = 'c2VjcmV0LXRva2VuLTQy';
    const leaks = [
      `Webex refused the token (HTTP 401): invalid token ${secret}`,
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo',
      'could not reach postgres://rtm:hunter2pass@db.example/rtm',
    ];
    const input = anInput({
      summary: aSummary({
        reconcile: { ...COUNTS_NONE, drifted: 1 },
        notes: leaks,
        error: leaks[0] as string,
        files: [aFile({ status: 'quarantined', code: 'FILE_FORMAT', message: leaks[1] as string })],
      }),
      issues: leaks.map((message, i) => anIssue({ row: i + 2, value: secret, message })),
      reconciliation: [
        {
          partner: 'acme',
          entity: 'customer',
          key: 'c-1',
          webexId: 'W-1',
          category: 'drifted',
          reason: 'differs',
          status: 'provisioned',
          diffs: [{ field: 'address.city', webex: leaks[2] as string, expected: 'Austin' }],
          pendingChange: false,
        },
      ],
    });
    const before = JSON.stringify(input);
    await writeRunReports(dir, input, [secret]);

    expect(JSON.stringify(input)).to.equal(before);
    const names = (await readdir(dir)).sort();
    expect(names).to.deep.equal([
      'issues.csv',
      'reconciliation.csv',
      'report.html',
      'report.xlsx',
      'summary.json',
    ]);
    const texts = await Promise.all(
      names
        .filter((n) => !n.endsWith('.xlsx'))
        .map(async (n) => [n, await readFile(path.join(dir, n), 'utf8')] as const),
    );
    const cells: string[] = [];
    (await readReportXlsx(dir)).eachSheet((ws) =>
      ws.eachRow((row) => row.eachCell((cell) => cells.push(cell.text))),
    );
    for (const [name, text] of [...texts, ['report.xlsx', cells.join('\n')] as const]) {
      for (const leaked of [secret, 'eyJhbGciOiJIUzI1NiJ9', 'hunter2pass'])
        expect(text, name).not.to.contain(leaked);
      expect(text, name).to.contain('[REDACTED]');
    }
    const summary = JSON.parse(texts.find(([n]) => n === 'summary.json')?.[1] ?? '') as Summary;
    expect(summary.notes).to.deep.equal([
      'Webex refused the token (HTTP 401): invalid token [REDACTED]',
      'Authorization: Bearer [REDACTED]',
      'could not reach postgres://rtm:[REDACTED]@db.example/rtm',
    ]);
    expect(validateSummary(summary)).to.deep.equal([]);
  });
});

describe('writeAtomically', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rtm-atomic-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when writing fails half-way, then neither the target nor a temporary file is left behind', async () => {
    const target = path.join(dir, 'issues.csv');
    let failure: unknown = null;
    try {
      await writeAtomically(target, async (tmp) => {
        await import('node:fs/promises').then((fs) => fs.writeFile(tmp, 'half a fi'));
        throw new Error('disk full');
      });
    } catch (err) {
      failure = err;
    }
    expect((failure as Error).message).to.equal('disk full');
    expect(await readdir(dir)).to.deep.equal([]);
  });
});

describe('writeReportsIndex', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rtm-index-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when runs are listed, then reports/index.html links each run that has a report, newest first', async () => {
    const root = path.join(dir, 'reports');
    for (const id of ['run-a', 'run-b']) {
      await mkdir(path.join(root, id), { recursive: true });
      await writeFile(path.join(root, id, 'report.html'), '<!doctype html>');
    }
    await writeReportsIndex(
      root,
      [
        {
          runId: 'run-a',
          job: 'import',
          startedAt: '2025-03-01T02:00:00Z',
          finishedAt: '2025-03-01T02:00:09Z',
          status: 'ok',
          exitCode: 0,
          dryRun: false,
        },
        {
          runId: 'run-b',
          job: 'nightly',
          startedAt: '2025-03-03T02:00:00Z',
          finishedAt: '2025-03-03T02:10:00Z',
          status: 'partial',
          exitCode: 1,
          dryRun: false,
        },
        // Its folder pruned by retention: listed, never linked to a page that is gone.
        {
          runId: 'run-0',
          job: 'nightly',
          startedAt: '2025-02-01T02:00:00Z',
          finishedAt: '2025-02-01T02:00:09Z',
          status: 'ok',
          exitCode: 0,
          dryRun: false,
        },
      ],
      'pt-BR',
    );
    const html = await readFile(path.join(root, 'index.html'), 'utf8');
    const links = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    expect(links).to.deep.equal(['run-b/report.html', 'run-a/report.html']);
    expect(html).to.match(/run-0 <span class="muted">\(relatório removido\)<\/span>/);
    expect(html).to.include('Execuções');
    expect(html).to.include('0:10:00');
  });
  it('when runs have summaries, then each row shows rows, refusals, created, failed and attention, and a trend picture draws them', async () => {
    const root = path.join(dir, 'reports');
    const runs = [1, 2, 3].map((i) => ({
      runId: `run-${i}`,
      job: 'nightly',
      startedAt: `2025-03-0${i}T02:00:00Z`,
      finishedAt: `2025-03-0${i}T02:01:00Z`,
      status: 'attention' as const,
      exitCode: 1,
      dryRun: false,
    }));
    for (const [i, r] of runs.entries()) {
      await mkdir(path.join(root, r.runId), { recursive: true });
      const summary = aSummary({
        runId: r.runId,
        rows: { total: 1000 * (i + 1), accepted: 990, rejected: 10 + i },
        attention: [{ kind: 'drift', partner: 'acme', count: 2, message: 'drift' }],
      });
      await writeFile(path.join(root, r.runId, 'summary.json'), JSON.stringify(summary));
      await writeFile(path.join(root, r.runId, 'report.html'), '<!doctype html>');
    }
    // A run still going has no summary yet: its counts stay empty.
    runs.push({
      ...runs[0]!,
      runId: 'run-4',
      startedAt: '2025-03-04T02:00:00Z',
      finishedAt: '2025-03-04T02:05:00Z',
    });
    await writeReportsIndex(root, runs, 'en');
    const html = await readFile(path.join(root, 'index.html'), 'utf8');
    const row = (id: string) =>
      [
        ...(
          new RegExp(`code-cell">(<a [^>]*>)?${id}[<\\s][\\s\\S]*?</tr>`).exec(html)?.[0] ?? ''
        ).matchAll(/<td class="num">([^<]*)<\/td>/g),
      ].map((m) => m[1]);
    // exit code, rows, refusals, created, failed, attention, duration
    expect(row('run-3')).to.deep.equal(['1', '3,000', '12', '1,112', '2', '1', '0:01:00']);
    expect(row('run-4')).to.deep.equal(['1', '', '', '', '', '', '0:05:00']);
    expect(html).to.include('Last 3 runs');
    const series = [...html.matchAll(/<polyline [^>]*data-series="(\w+)"/g)].map((m) => m[1]);
    expect(series).to.deep.equal(['rows', 'refused', 'failed', 'rplOpen']);
  });
});

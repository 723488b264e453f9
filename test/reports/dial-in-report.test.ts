import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { chromium, type Browser } from 'playwright-core';
import {
  planDialInLines,
  writeRunReports,
  type DialInLine,
  type ReportInput,
} from '../../src/reports/index.ts';
import {
  createRunRules,
  hashDesired,
  type CustomerCheck,
  type RowRecord,
} from '../../src/rules/index.ts';
import {
  ensurePartner,
  insertRun,
  readCustomersStagedByRun,
  stageFile,
} from '../../src/store/index.ts';
import type { StagedRow } from '../../src/store/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { processedFile } from '../support/staging.ts';
import { aCallingCustomerRow, aContext, aCustomerRow } from '../rules/builders.ts';
import { aSummary } from './builders.ts';
import { readReportXlsx, REPORT_SHEETS } from './read-report-xlsx.ts';

const XSS = '<img src=x onerror=alert(1)>';

/** Rows checked by the run's rules and staged as the import stages them (dial-in in the doc). */
async function stageChecked(
  t: TestDb,
  runId: string,
  name: string,
  rows: RowRecord[],
): Promise<void> {
  const rules = createRunRules(aContext());
  const staged: StagedRow[] = rows.map((record, i) => {
    const check: CustomerCheck = rules.checkCustomer(record, { file: name, row: i + 2 });
    const doc = check.value && { ...check.value, meetingsDialIn: check.meetings };
    return {
      sheet: '',
      row: i + 2,
      kind: 'customer',
      entityKey: check.key,
      issues: [],
      ...(doc ? { desired: { action: doc.action, hash: hashDesired(doc), doc } } : {}),
    };
  });
  const now = '2026-11-24T02:00:00.000Z';
  await ensurePartner(t.db, 'acme', 'en', now);
  await insertRun(t.db, {
    id: runId,
    job: 'import',
    dryRun: false,
    partnerFilter: null,
    startedAt: now,
    host: 'test',
    pid: 1,
  });
  await stageFile(t.db, processedFile({ runId, name, sha256: name.padEnd(64, '0'), now }), staged);
}

for (const backend of backends()) {
  describe(`R-DIAL-1 in the reports (${backend})`, () => {
    let t: TestDb;
    let dir: string;
    beforeEach(async () => {
      t = await freshDb(backend);
      dir = await mkdtemp(path.join(tmpdir(), 'rtm-dial-'));
    });
    afterEach(async () => {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('when a run stages customers, then the ledger gives exactly that run’s accepted customers with location and dial-in', async () => {
      await stageChecked(t, 'run-0', 'old.csv', [aCustomerRow({ external_id: 'old' })]);
      await stageChecked(t, 'run-1', 'customers.csv', [
        aCustomerRow({ external_id: 'us-1' }),
        aCallingCustomerRow({ external_id: 'jp-1' }),
        aCustomerRow({ external_id: 'br-1', country: 'Brasil' }), // refused: not staged
        aCustomerRow({
          external_id: 'br-2',
          country: 'BR',
          state_or_province: 'SP',
          city: 'São Paulo',
          zip_or_postal_code: '01310-100',
        }),
      ]);
      const lines = planDialInLines(await readCustomersStagedByRun(t.db, 'run-1'));
      expect(
        lines.map((l) => [l.externalId, l.row, l.country, l.location, l.dialIn, l.source]),
      ).to.deep.equal([
        ['us-1', 2, 'US', 'AMER', '+1', 'telephony-domain'],
        ['jp-1', 3, 'JP', 'APAC', '+65', 'location-default'],
        ['br-2', 5, 'BR', 'AMER', '+1', 'location-default'],
      ]);
      expect(lines[0]).to.include({ partner: 'acme', file: 'customers.csv', name: 'Good Co' });
    });
  });
}

describe('R-DIAL-1 in report.html and report.xlsx', function () {
  this.timeout(60_000);
  let dir: string;
  let browser: Browser | null = null;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rtm-dial-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  after(async () => {
    await browser?.close();
  });

  const lines: DialInLine[] = [
    {
      partner: 'acme',
      file: 'customers.csv',
      row: 2,
      externalId: 'us-1',
      name: XSS,
      country: 'US',
      location: 'AMER',
      dialIn: '+1',
      source: 'telephony-domain',
    },
    {
      partner: 'sakura',
      file: '顧客.csv',
      row: 14,
      externalId: '=HYPERLINK("http://x","y")',
      name: 'さくら会計',
      country: 'JP',
      location: 'APAC',
      dialIn: '+65',
      source: 'location-default',
    },
  ];
  const input = (locale: ReportInput['locale']): ReportInput => ({
    summary: aSummary(),
    issues: [],
    locale,
    dialIns: lines,
  });

  it('when the report is opened in a browser, then the section lists each customer as text and runs nothing', async () => {
    await writeRunReports(dir, input('ja'), []);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(path.join(dir, 'report.html')).href);
    const rows = await page.locator('#dial-in tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t').map((c) => c.trim()))).to.deep.equal([
      [
        'acme',
        'customers.csv',
        '2',
        'us-1',
        XSS,
        'US（アメリカ合衆国）',
        'AMER',
        '+1',
        'テレフォニードメインの一覧',
      ],
      [
        'sakura',
        '顧客.csv',
        '14',
        '=HYPERLINK("http://x","y")',
        'さくら会計',
        'JP（日本）',
        'APAC',
        '+65',
        'ロケーションの既定値',
      ],
    ]);
    expect(await page.locator('#dial-in h2').innerText()).to.contain('R-DIAL-1');
    expect(await page.locator('img').count()).to.equal(0);
    expect(dialogs).to.deep.equal([]);
    await page.close();
  });

  it('when the workbook is written, then a Dial-in sheet lists them with partner text kept as text', async () => {
    await writeRunReports(dir, input('en'), []);
    const wb = await readReportXlsx(dir);
    const sheet = wb.getWorksheet('Dial-in');
    expect(sheet?.getRow(1).values).to.deep.equal([
      undefined,
      'Partner',
      'File',
      'Row',
      'External ID',
      'Customer name',
      'Country',
      'Location',
      'Dial-in number',
      'From',
    ]);
    expect(sheet?.getRow(3).values).to.deep.equal([
      undefined,
      'sakura',
      '顧客.csv',
      14,
      '=HYPERLINK("http://x","y")',
      'さくら会計',
      'JP (Japan)',
      'APAC',
      '+65',
      'location default',
    ]);
    const cell = sheet?.getRow(3).getCell(4);
    expect(cell?.type).to.equal(ExcelJS.ValueType.String);
    expect(cell?.formula).to.equal(undefined);
  });

  it('when no dial-in lines are given (a provision-only run), then neither the section nor the sheet appears', async () => {
    await writeRunReports(dir, { summary: aSummary(), issues: [], locale: 'en' }, []);
    const wb = await readReportXlsx(dir);
    expect(wb.worksheets.map((w) => w.name)).to.deep.equal(REPORT_SHEETS);
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { chromium, type Browser } from 'playwright-core';
import { unneutralise } from '../../src/csv/index.ts';
import { writeRunReports, type ReportInput } from '../../src/reports/index.ts';
import { writeDeprovisionCandidatesCsv, type DeprovisionCandidate } from '../../src/rpl/index.ts';
import { NAUGHTY_STRINGS } from '../fixtures/naughty-strings.ts';
import { aFile, anIssue, anOpenRplCheck, aThreePartnerInput } from './builders.ts';
import { readReportXlsx } from './read-report-xlsx.ts';

/** What a spreadsheet would run: a field starting = + - @, tab or CR (or their full-width forms). */
const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;

/** Every writer's input with naughty string i as partner, file, customer, user and message. */
function naughtyInput(): ReportInput {
  const input = aThreePartnerInput('en');
  const s = NAUGHTY_STRINGS;
  input.summary.files = s.map((x) => aFile({ partner: x, name: x, message: x }));
  input.summary.attention = s.map((x) => ({ kind: 'drift', partner: x, count: 1, message: x }));
  input.summary.notes = [...s];
  input.issues = s.map((x, i) =>
    anIssue({ partner: x, file: x, sheet: x, row: i + 2, column: x, value: x, message: x }),
  );
  input.partnerChanges = s.map((x) => ({
    partner: x,
    entity: 'subscriber',
    outcome: 'created',
    count: 1,
  }));
  input.quotaUse = s.map((x) => ({ partner: x, customer: x, package: x, limit: 1, assigned: 2 }));
  input.resultsFiles = s.map((x) => ({ partner: x, source: x, name: x }));
  input.reconciliation = s.map((x) => ({
    partner: x,
    entity: 'subscriber',
    key: `${x}/${x}@example.com`,
    webexId: x,
    category: 'drifted',
    reason: 'differs',
    status: x,
    diffs: [{ field: 'name', webex: x, expected: x }],
    pendingChange: false,
  }));
  input.rpl = {
    open: s.map((x) =>
      anOpenRplCheck({ partner: x, externalId: x, customerName: x, reasons: ['nonCompliantDays'] }),
    ),
    closedSinceLastRun: [],
    deprovisions: [],
  };
  return input;
}

function candidate(x: string, i: number): DeprovisionCandidate {
  return {
    partner: x,
    checkId: i,
    customerId: i,
    externalId: x,
    customerName: x,
    webexId: x,
    webexOrgId: null,
    desiredOrgId: null,
    trigger: 'create',
    openedAt: '2026-10-01T00:00:00.000Z',
    ageMinutes: 50_000,
    ageDays: 34,
    lastStatus: x,
    attempts: 1,
    unreachableAttempts: 0,
    reasons: ['non_compliant_days'],
    users: [{ email: x, webexId: x }],
  };
}

/** Each field read back: neutralised when it starts like a formula, and the value once un-neutralised. */
function expectNeutralised(records: string[][], column: number, expected: readonly string[]): void {
  const fields = records.slice(1).map((r) => r[column] ?? '');
  expect(fields.map(unneutralise)).to.deep.equal(expected);
  for (const [i, field] of fields.entries()) {
    const original = expected[i] ?? '';
    expect(field, JSON.stringify(original)).to.equal(
      FORMULA_START.test(original) ? `'${original}` : original,
    );
  }
}

describe('naughty strings through every writer of a run', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rtm-blns-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when they are partner, file, customer and user names, then issues.csv, reconciliation.csv and deprovision-candidates.csv read back as the same records, formulas neutralised', async () => {
    await writeRunReports(dir, naughtyInput(), []);
    await writeDeprovisionCandidatesCsv(dir, NAUGHTY_STRINGS.map(candidate), 'en');
    const read = async (f: string) =>
      parse(await readFile(path.join(dir, f)), {
        bom: true,
        relax_column_count: false,
      }) as string[][];
    const issues = await read('issues.csv');
    expect(issues).to.have.length(1 + NAUGHTY_STRINGS.length);
    for (const column of [0, 1, 2, 4, 5, 7]) expectNeutralised(issues, column, NAUGHTY_STRINGS);
    const reconciliation = await read('reconciliation.csv');
    expect(reconciliation).to.have.length(1 + NAUGHTY_STRINGS.length);
    expectNeutralised(reconciliation, 0, NAUGHTY_STRINGS);
    expectNeutralised(reconciliation, 3, NAUGHTY_STRINGS);
    const candidates = await read('deprovision-candidates.csv');
    expect(candidates).to.have.length(1 + NAUGHTY_STRINGS.length);
    expectNeutralised(candidates, 0, NAUGHTY_STRINGS);
    expectNeutralised(candidates, 1, NAUGHTY_STRINGS);
    expectNeutralised(candidates, 2, NAUGHTY_STRINGS);
  });

  it('when they are written to report.xlsx, then it opens again and every cell is a plain string or number, never a formula, a link or rich text', async () => {
    await writeRunReports(dir, naughtyInput(), []);
    const wb = await readReportXlsx(dir);
    const kinds = new Set<ExcelJS.ValueType>();
    let strings = 0;
    for (const ws of wb.worksheets)
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          kinds.add(cell.type);
          if (cell.type === ExcelJS.ValueType.String) strings += 1;
        }),
      );
    // Not Formula, Hyperlink, RichText or SharedString: only what was written as a value.
    expect([...kinds].sort()).to.deep.equal([ExcelJS.ValueType.Number, ExcelJS.ValueType.String]);
    expect(strings).to.be.greaterThan(NAUGHTY_STRINGS.length * 8);
    // Kept as written, but for what XML cannot hold: exceljs drops C0 controls, an XML reader reads
    // CRLF as LF, and U+FFFE/U+FFFF become U+FFFD (cellText).
    const kept = (x: string) =>
      x
        .replace(/\r\n?/g, '\n')
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
        .replace(/[\uFFFE\uFFFF]/g, '\uFFFD');
    const issues = wb.getWorksheet('Issues') as ExcelJS.Worksheet;
    const values = issues
      .getColumn(6)
      .values.slice(2)
      .map((v) => kept(v as string));
    expect(values).to.deep.equal(NAUGHTY_STRINGS.map(kept));
    expect(issues.getRow(14).getCell(6).value).to.equal('=1+1');
    expect(issues.getRow(15).getCell(6).formula).to.equal(undefined);
  });

  describe('in report.html in headless Chromium', () => {
    let browser: Browser;
    before(async () => {
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu'],
      });
    });
    after(async () => {
      await browser?.close();
    });

    it('when they are opened, then no dialog opens, nothing loads, no element or handler is injected, and each shows as text', async () => {
      await writeRunReports(dir, naughtyInput(), []);
      const page = await browser.newPage();
      const dialogs: string[] = [];
      const requests: string[] = [];
      const errors: string[] = [];
      const url = pathToFileURL(path.join(dir, 'report.html')).href;
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('request', (r) => {
        if (r.url() !== url) requests.push(r.url());
      });
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      try {
        await page.goto(url, { waitUntil: 'load' });
        // Open every partner, click the first heading and type a naughty filter: the script must not run them either.
        for (const d of await page.locator('details.partner').all())
          await d.evaluate('(el) => { el.open = true; }');
        await page.locator('#issues thead th').first().click();
        await page.locator('#issues input.filter').fill('<script>alert(1)</script>');
        await page.waitForTimeout(300);
        const injected = (await page.evaluate(`(() => {
          const all = [...document.querySelectorAll('*')];
          return {
            handlers: all.flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => el.tagName + ' ' + a.name)),
            jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => /^\\s*javascript:/i.test(a.getAttribute('href'))).length,
            tags: [...new Set(all.map((el) => el.tagName.toLowerCase()))].sort(),
            h1: document.querySelectorAll('h1').length,
            scripts: document.querySelectorAll('script').length,
            styles: document.querySelectorAll('style').length,
            foreignSvg: document.querySelectorAll('svg:not(.chart)').length,
          };
        })()`)) as {
          handlers: string[];
          jsLinks: number;
          tags: string[];
          h1: number;
          scripts: number;
          styles: number;
          foreignSvg: number;
        };
        expect(injected.handlers).to.deep.equal([]);
        expect(injected.jsLinks).to.equal(0);
        expect({
          h1: injected.h1,
          scripts: injected.scripts,
          styles: injected.styles,
          foreignSvg: injected.foreignSvg,
        }).to.deep.equal({ h1: 1, scripts: 1, styles: 1, foreignSvg: 0 });
        for (const tag of ['img', 'iframe', 'object', 'embed', 'link', 'base', 'form', 'x'])
          expect(injected.tags, tag).not.to.include(tag);
        expect(dialogs).to.deep.equal([]);
        expect(requests).to.deep.equal([]);
        expect(errors).to.deep.equal([]);
        const text = await page.locator('#notes').innerText();
        for (const x of [
          '<script>alert(123)</script>',
          '=HYPERLINK("http://example.invalid/x","click")',
          '田中さんにあげて下さい',
          '</section></main><h1>forged</h1>',
        ])
          expect(text).to.include(x);
        expect(text).to.include('invoiceU+202Excl.csv');
      } finally {
        await page.close();
      }
    });
  });
});

import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import {
  HTML_ROW_LIMIT,
  writeRunReports,
  type ReconcileLine,
  type ReportInput,
} from '../../src/reports/index.ts';
import { aSummary } from '../reports/builders.ts';

const XSS = '<img src=x onerror=alert(1)>';

function aLine(overrides: Partial<ReconcileLine> = {}): ReconcileLine {
  return {
    partner: 'acme',
    entity: 'customer',
    key: 'c-1',
    webexId: 'W-1',
    category: 'inSync',
    reason: 'same',
    status: 'provisioned',
    diffs: [],
    pendingChange: false,
    ...overrides,
  };
}

const COUNTS = {
  inSync: 1,
  drifted: 1,
  missingInWebex: 0,
  orphansInWebex: 1,
  parked: 0,
  partnerOwnOrg: 0,
};

function input(lines: ReconcileLine[], locale: ReportInput['locale'] = 'en'): ReportInput {
  return { summary: aSummary({ reconcile: COUNTS }), issues: [], locale, reconciliation: lines };
}

const HOSTILE = [
  aLine(),
  aLine({
    key: '=HYPERLINK("http://evil.example","x")',
    category: 'drifted',
    reason: 'differs',
    diffs: [{ field: 'address.city', webex: XSS, expected: '+1 Austin' }],
  }),
  aLine({
    partner: 'acme',
    key: `@SUM(1)${XSS}`,
    category: 'orphansInWebex',
    reason: 'notInSheets',
  }),
];

describe('reports: reconciliation.csv and the reconciliation section', () => {
  it('when the run reconciled, then reconciliation.csv has a localized header and formulas neutralised', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rtm-rec-'));
    await writeRunReports(dir, input(HOSTILE, 'ja'), []);
    const rows = parse(readFileSync(path.join(dir, 'reconciliation.csv'), 'utf8'), {
      bom: true,
    }) as string[][];
    expect(rows[0]).to.deep.equal([
      'パートナー',
      '対象',
      '外部ID / メールアドレス',
      'Webex ID',
      '区分',
      '詳細',
    ]);
    expect(rows[2]?.[2]).to.equal(`'=HYPERLINK("http://evil.example","x")`);
    expect(rows[2]?.[4]).to.equal('drifted');
    expect(rows[2]?.[5]).to.equal(
      `Webexとシートに差異があります; Webexのステータス provisioned; address.city: Webex「${XSS}」、期待値「+1 Austin」; rtm-batch以外で変更されました`,
    );
    expect(rows[3]?.[2]).to.equal(`'@SUM(1)${XSS}`);
  });

  it('when the run did not reconcile, then there is no reconciliation.csv', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rtm-rec-'));
    await writeRunReports(dir, { summary: aSummary(), issues: [], locale: 'en' }, []);
    expect(existsSync(path.join(dir, 'reconciliation.csv'))).to.equal(false);
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).not.to.contain(
      'id="reconciliation"',
    );
  });

  describe('in a headless browser', function () {
    this.timeout(60_000);
    let browser: Browser;
    before(async () => {
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
      });
    });
    after(async () => {
      await browser?.close();
    });

    it('when lines carry hostile text, then the section lists drifted and orphan lines as text and runs nothing', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'rtm-rec-'));
      await writeRunReports(dir, input(HOSTILE), []);
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      try {
        await page.goto(pathToFileURL(path.join(dir, 'report.html')).href, { waitUntil: 'load' });
        await page.waitForTimeout(300);
        const section = page.locator('#reconciliation');
        // The in-sync line is counted, not listed.
        expect(await section.locator('tbody tr').count()).to.equal(2);
        const text = await section.innerText();
        expect(text).to.include(XSS).and.to.include('Only in Webex').and.to.include('Drifted');
        expect(await page.locator('img').count()).to.equal(0);
        expect(dialogs).to.deep.equal([]);
        expect(await page.locator('header a', { hasText: 'reconciliation.csv' }).count()).to.equal(
          1,
        );
      } finally {
        await page.close();
      }
    });

    it('when there are more lines than the page lists, then it says how many more are in reconciliation.csv', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'rtm-rec-'));
      const many = Array.from({ length: HTML_ROW_LIMIT + 5 }, (_, i) =>
        aLine({ key: `c-${i}`, category: 'missingInWebex', reason: 'goneFromWebex' }),
      );
      await writeRunReports(dir, input(many), []);
      const page = await browser.newPage();
      try {
        await page.goto(pathToFileURL(path.join(dir, 'report.html')).href, { waitUntil: 'load' });
        expect(await page.locator('#reconciliation tbody tr').count()).to.equal(HTML_ROW_LIMIT);
        expect(await page.locator('#more-reconciliation').innerText()).to.equal(
          '5 more lines are not shown here; reconciliation.csv lists them all.',
        );
      } finally {
        await page.close();
      }
    });
  });
});

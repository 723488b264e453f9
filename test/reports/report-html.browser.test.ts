import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TABLE_SCRIPT, writeRunReports, type ReportInput } from '../../src/reports/index.ts';
import { aFile, anIssue, aSummary } from './builders.ts';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
const XSS = '<img src=x onerror=alert(1)>';

interface Opened {
  page: Page;
  requests: string[];
  dialogs: string[];
}

describe('report.html in a headless browser', function () {
  this.timeout(60_000);
  let browser: Browser;
  let dir: string;
  let server: Server;
  let serverHits = 0;
  let beacon: string;

  before(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    // A loopback server that counts hits: any partner value leaking out as markup would call it.
    server = createServer((_req, res) => {
      serverHits += 1;
      res.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    beacon = `http://127.0.0.1:${(server.address() as AddressInfo).port}/beacon`;
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rtm-html-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function hostileInput(locale: ReportInput['locale']): ReportInput {
    return {
      summary: aSummary({
        files: [
          aFile({ partner: 'acme-br', name: `<script>fetch('${beacon}')</script>.csv` }),
          aFile({
            name: `invoice\u202Excl.csv`,
            status: 'quarantined',
            code: 'FILE_FORMAT',
            message: `<img src="${beacon}">`,
          }),
        ],
        notes: [`<link rel="stylesheet" href="${beacon}">`],
      }),
      issues: [
        anIssue({ value: XSS }),
        anIssue({
          row: 15,
          column: '"><svg onload=alert(2)>',
          message: `<iframe src="${beacon}"></iframe>`,
        }),
        anIssue({ row: 16, value: `<style>@import url(${beacon});</style>` }),
      ],
      locale,
    };
  }

  async function open(reportDir: string): Promise<Opened> {
    const page = await browser.newPage();
    const requests: string[] = [];
    const dialogs: string[] = [];
    const url = pathToFileURL(path.join(reportDir, 'report.html')).href;
    page.on('request', (req) => {
      if (req.url() !== url) requests.push(req.url());
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForTimeout(300); // give any stray onerror/onload handler time to fire
    return { page, requests, dialogs };
  }

  it('when a report with hostile partner values is opened, then it shows them as text and runs and loads nothing', async () => {
    await writeRunReports(dir, hostileInput('en'), []);
    const { page, requests, dialogs } = await open(dir);
    try {
      const text = await page.locator('body').innerText();
      expect(text).to.include('20250301T020000Z-a1b2c3');
      expect(await page.locator('h1').innerText()).to.equal('Run report');
      expect(text).to.include(XSS);
      expect(text).to.include('invoiceU+202Excl.csv');
      expect(await page.locator('#issues tbody tr').count()).to.equal(3);

      const count = (selector: string): Promise<number> => page.locator(selector).count();
      const elements = {
        img: await count('img'),
        script: await count('script'),
        // Our own pictures are svg.chart; any other svg came from a partner value.
        svg: await count('svg:not(.chart)'),
        iframe: await count('iframe'),
        link: await count('link'),
        style: await count('style'),
      };
      expect(elements).to.deep.equal({ img: 0, script: 1, svg: 0, iframe: 0, link: 0, style: 1 });
      expect(await page.locator('script').textContent()).to.equal(TABLE_SCRIPT);
      expect(dialogs).to.deep.equal([]);
      expect(requests).to.deep.equal([]);
      expect(serverHits).to.equal(0);
    } finally {
      await page.close();
    }
  });

  it('when the report is opened, then the totals show the run counts', async () => {
    await writeRunReports(dir, hostileInput('en'), []);
    const { page } = await open(dir);
    try {
      const totals = await page.locator('#totals').innerText();
      expect(totals).to.include('1,234'); // rows total
      expect(totals).to.match(/Accepted\s+1,200/);
      expect(totals).to.match(/Rejected\s+34/);
      expect(totals).to.include('Not reconciled in this run.');
      const customers = await page.locator('#totals tr', { hasText: 'Customers' }).innerText();
      expect(customers.split('\t').map((s) => s.trim())).to.deep.equal([
        'Customers',
        '12',
        '3',
        '40',
        '0',
        '0',
        '0',
      ]);
      expect(await page.locator('header .badge.warn').innerText()).to.equal('Partial');
    } finally {
      await page.close();
    }
  });

  it('when the report is written in ja, then the browser shows Japanese labels', async () => {
    await writeRunReports(dir, hostileInput('ja'), []);
    const { page } = await open(dir);
    try {
      expect(await page.locator('html').getAttribute('lang')).to.equal('ja');
      expect(await page.locator('h1').innerText()).to.equal('実行レポート');
      expect(await page.locator('#totals h2').innerText()).to.equal('集計');
      expect(await page.locator('#issues thead').innerText()).to.include('パートナー');
      expect(await page.locator('#totals').innerText()).to.include(
        'この実行では照合を行っていません。',
      );
    } finally {
      await page.close();
    }
  });
});

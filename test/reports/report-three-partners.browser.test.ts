import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { writeReportsIndex, writeRunReports, type ReportInput } from '../../src/reports/index.ts';
import { aThreePartnerInput } from './builders.ts';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
const VIEWPORT = { width: 1024, height: 800 };

/**
 * Elements whose right edge passes the viewport, outside any box that scrolls or clips them
 * (a wide table inside its own scroll box is fine), plus the page's own horizontal overflow.
 */
const OVERFLOW_PROBE = `(() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1 || clipped(el)) continue;
    wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' ' + Math.round(r.right));
  }
  return { pageWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10) };
})()`;

interface Opened {
  page: Page;
  consoleErrors: string[];
  requests: string[];
}

describe('report.html of a run with three partners in headless Chromium at 1024 px', function () {
  this.timeout(90_000);
  let browser: Browser;
  let home: string;
  let shots: string;
  const runId = '20261124T020000Z-three';

  before(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    home = await mkdtemp(path.join(tmpdir(), 'rtm-three-'));
    // Kept after the test: the screenshots are for people to look at (their paths are printed).
    shots = await mkdtemp(path.join(tmpdir(), 'rtm-report-screenshots-'));
  });
  after(async () => {
    await browser?.close();
    await rm(home, { recursive: true, force: true });
  });

  async function writeRun(locale: ReportInput['locale']): Promise<string> {
    const input = aThreePartnerInput(locale);
    const dir = path.join(home, locale, 'reports', runId);
    input.summary.reportDir = dir;
    input.summary.runId = runId;
    await writeRunReports(dir, input, []);
    for (const r of input.resultsFiles ?? []) {
      await mkdir(path.join(home, locale, 'outbox', r.partner), { recursive: true });
      await writeFile(path.join(home, locale, 'outbox', r.partner, r.name), 'results');
    }
    await writeReportsIndex(
      path.join(home, locale, 'reports'),
      [
        {
          runId,
          job: 'nightly',
          startedAt: input.summary.startedAt,
          finishedAt: input.summary.finishedAt,
          status: input.summary.status,
          exitCode: input.summary.exitCode,
          dryRun: false,
        },
      ],
      locale,
    );
    return dir;
  }

  async function open(file: string, context?: BrowserContext): Promise<Opened> {
    const page = await (context ?? browser).newPage({ viewport: VIEWPORT });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    const url = pathToFileURL(file).href;
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    return { page, consoleErrors, requests };
  }

  async function columnText(page: Page, table: string, column: number): Promise<string[]> {
    return page.locator(`${table} tbody tr:visible td:nth-child(${column})`).allInnerTexts();
  }

  for (const locale of ['en', 'ja'] as const) {
    it(`when report.html and index.html are opened (${locale}), then nothing is wider than the page, no console error, no request, every section is there`, async () => {
      const dir = await writeRun(locale);
      const { page, consoleErrors, requests } = await open(path.join(dir, 'report.html'));
      try {
        for (const id of [
          'attention',
          'totals',
          'pictures',
          'partners',
          'files',
          'issue-counts',
          'issues',
          'reconciliation',
          'rpl',
        ])
          expect(await page.locator(`section#${id}`).count(), id).to.equal(1);
        expect(await page.locator('details.partner').count()).to.equal(3);
        expect(await page.locator('svg.chart').count()).to.equal(4);
        // Open every partner section before measuring: closed ones hide their tables.
        for (const d of await page.locator('details.partner').all())
          await d.evaluate('(el) => { el.open = true; }');
        const overflow = (await page.evaluate(OVERFLOW_PROBE)) as {
          pageWidth: number;
          width: number;
          wide: string[];
        };
        expect(overflow.wide).to.deep.equal([]);
        expect(overflow.pageWidth).to.be.at.most(VIEWPORT.width);
        const shot = path.join(shots, `report-${locale}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        console.log(`      screenshot: ${shot}`);
        expect(consoleErrors).to.deep.equal([]);
        expect(requests).to.deep.equal([]);
      } finally {
        await page.close();
      }
      const index = await open(path.join(dir, '..', 'index.html'));
      try {
        const overflow = (await index.page.evaluate(OVERFLOW_PROBE)) as {
          pageWidth: number;
          wide: string[];
        };
        expect(overflow.wide).to.deep.equal([]);
        expect(await index.page.locator(`a[href="${runId}/report.html"]`).count()).to.equal(1);
        const shot = path.join(shots, `index-${locale}.png`);
        await index.page.screenshot({ path: shot, fullPage: true });
        console.log(`      screenshot: ${shot}`);
        expect(index.consoleErrors).to.deep.equal([]);
        expect(index.requests).to.deep.equal([]);
      } finally {
        await index.page.close();
      }
    });
  }

  it('when a column heading is clicked, then the rows sort by it, numbers by value, and a second click reverses them', async () => {
    const dir = await writeRun('en');
    const { page, consoleErrors } = await open(path.join(dir, 'report.html'));
    try {
      await page.locator('#issues thead th', { hasText: 'Partner' }).click();
      const partners = await columnText(page, '#issues', 1);
      expect(partners[0]).to.equal('acme-br');
      expect(partners.at(-1)).to.equal('tokyo-tel');
      await page.locator('#issues thead th', { hasText: 'Partner' }).click();
      expect((await columnText(page, '#issues', 1))[0]).to.equal('tokyo-tel');
      expect(
        await page.locator('#issues thead th', { hasText: 'Partner' }).getAttribute('aria-sort'),
      ).to.equal('descending');
      // Rows are numbers: 2, 3, … 10 … 43, not 10 before 2.
      await page.locator('#issues thead th', { hasText: 'Row' }).click();
      const rows = (await columnText(page, '#issues', 4)).map(Number);
      expect(rows).to.deep.equal([...rows].sort((a, b) => a - b));
      expect(rows.slice(0, 3)).to.deep.equal([2, 2, 3]);
      // RPL ages sort by minutes, not by the text "32 d 21 h".
      await page.locator('#rpl-open thead th', { hasText: 'Age' }).click();
      expect(await columnText(page, '#rpl-open', 2)).to.deep.equal(['L-2', 'C-100', 'T-7']);
      expect(consoleErrors).to.deep.equal([]);
    } finally {
      await page.close();
    }
  });

  it('when a filter is typed, then only the rows holding it stay (by code, by partner, by status), and clearing it shows all again', async () => {
    const dir = await writeRun('en');
    const { page } = await open(path.join(dir, 'report.html'));
    try {
      const issueFilter = page.locator('#issues input.filter');
      await issueFilter.fill('PACKAGE_QUOTA');
      expect(await page.locator('#issues tbody tr:visible').count()).to.equal(20);
      await issueFilter.fill('acme-br');
      expect(await page.locator('#issues tbody tr:visible').count()).to.equal(34);
      await issueFilter.fill('');
      expect(await page.locator('#issues tbody tr:visible').count()).to.equal(54);
      await page.locator('#files input.filter').fill('Processed');
      expect(await page.locator('#files tbody tr:visible').count()).to.equal(3);
      await page.locator('#reconciliation input.filter').fill('Only in Webex');
      expect(await columnText(page, '#reconciliation', 1)).to.deep.equal(['lisboa-net']);
    } finally {
      await page.close();
    }
  });

  it('when scripting is off, then every section and row is still there and no dead filter box is shown', async () => {
    const dir = await writeRun('en');
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORT });
    try {
      const { page, consoleErrors } = await open(path.join(dir, 'report.html'), context);
      expect(await page.locator('input.filter').count()).to.equal(0);
      expect(await page.locator('#issues tbody tr').count()).to.equal(54);
      const text = await page.locator('body').innerText();
      for (const expected of [
        'Needs you',
        'acme-br',
        'lisboa-net',
        'tokyo-tel',
        'PACKAGE_QUOTA',
        'Changes per partner, by outcome',
      ])
        expect(text).to.include(expected);
      expect(consoleErrors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});

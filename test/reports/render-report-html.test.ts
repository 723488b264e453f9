import { expect } from 'chai';
import {
  emptyPlanSummary,
  renderReportHtml,
  renderReportsIndexHtml,
  reportCsp,
  TABLE_SCRIPT,
} from '../../src/reports/index.ts';
import { aFile, anIssue, aSummary, manyIssues } from './builders.ts';

describe('renderReportHtml', () => {
  it('when partner values hold markup, quotes and an RLO, then none of them reaches the page raw', () => {
    const html = renderReportHtml({
      summary: aSummary({
        files: [aFile({ partner: 'p"1', name: 'invoice\u202Excl.csv<script>alert(1)</script>' })],
        notes: ['<b>note</b>'],
      }),
      issues: [anIssue({ value: `"><img src=x onerror=alert(1)>`, message: "it's <i>bad</i>" })],
      locale: 'en',
    });
    // The one script is ours, exactly the text the CSP's hash allows.
    expect(html.split('<script').length - 1).to.equal(1);
    expect(html).to.include(`<script>${TABLE_SCRIPT}</script>`);
    expect(html).not.to.include('<img');
    expect(html).not.to.include('<b>note');
    expect(html).not.to.include('\u202E');
    expect(html).to.include(
      'invoice<span class="cc">U+202E</span>xcl.csv&lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(html).to.include('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).to.include('it&#39;s &lt;i&gt;bad&lt;/i&gt;');
    expect(html).to.include('p&quot;1');
  });

  it('when rendered, then the page carries the CSP and refers to nothing outside itself', () => {
    const html = renderReportHtml({ summary: aSummary(), issues: [anIssue()], locale: 'en' });
    const csp = reportCsp(TABLE_SCRIPT);
    expect(csp).to.match(/; script-src 'sha256-[A-Za-z0-9+/]{43}='$/);
    expect(html).to.include(`<meta http-equiv="Content-Security-Policy" content="${csp}">`);
    expect(html).not.to.match(/https?:\/\//);
    expect(html).not.to.match(/<(link|img|iframe)\b/i);
    expect(html).not.to.match(/<script[^>]*\bsrc=/i);
  });

  it('when there are more than 1,000 issues, then the first 1,000 are listed and the rest counted', () => {
    const html = renderReportHtml({ summary: aSummary(), issues: manyIssues(1500), locale: 'en' });
    const issueSection = html.slice(html.indexOf('<section id="issues">'));
    const rows = issueSection.slice(0, issueSection.indexOf('</section>')).match(/<tr>/g) ?? [];
    expect(rows).to.have.length(1001); // header + 1,000
    expect(html).to.include('user999@@example');
    expect(html).not.to.include('user1000@@example');
    expect(html).to.include('500 more issues are not shown here; issues.csv lists them all.');
  });

  it('when the locale is ja, then labels and the lang attribute are Japanese', () => {
    const html = renderReportHtml({ summary: aSummary(), issues: [anIssue()], locale: 'ja' });
    expect(html).to.include('<html lang="ja">');
    for (const label of [
      '実行レポート',
      '集計',
      'パートナー',
      'コード別の問題件数',
      '一部失敗',
      'この実行では照合を行っていません。',
    ]) {
      expect(html).to.include(label);
    }
    expect(html).not.to.include('Run report');
  });

  it('when the locale is pt-BR, then labels and numbers are Brazilian Portuguese', () => {
    const html = renderReportHtml({ summary: aSummary(), issues: [], locale: 'pt-BR' });
    expect(html).to.include('Relatório da execução');
    expect(html).to.include('1.234'); // rows.total in pt-BR digit grouping
    expect(html).to.include('Nenhum problema.');
  });

  it('when the run reconciled, then its counts replace the "not reconciled" line', () => {
    const html = renderReportHtml({
      summary: aSummary({
        reconcile: {
          inSync: 7,
          drifted: 2,
          missingInWebex: 1,
          orphansInWebex: 0,
          parked: 0,
          partnerOwnOrg: 1,
        },
      }),
      issues: [],
      locale: 'en',
    });
    expect(html).not.to.include('Not reconciled in this run.');
    expect(html).to.match(/Drifted<\/td><td class="num neg">2</);
  });

  it('when a dry run has plan lines, then the plan section lists them with their actions', () => {
    const html = renderReportHtml({
      summary: aSummary({
        dryRun: true,
        plan: { ...emptyPlanSummary(), create: 1, update: 0, delete: 1, unchanged: 0 },
      }),
      issues: [],
      locale: 'en',
      plan: [
        { partner: 'acme-br', entity: 'customer', key: 'C-<1>', action: 'create' },
        { partner: 'acme-br', entity: 'subscriber', key: 'ana@example.com', action: 'delete' },
      ],
    });
    expect(html).to.include('<section id="plan">');
    expect(html).to.include('C-&lt;1&gt;');
    expect(html).to.include('<span class="badge bad">Delete</span>');
    expect(html).to.include('Nothing was sent to Webex');
  });

  it('when an RPL check is 47,385 minutes old, then its age reads in days and hours in each locale', () => {
    const open = [
      {
        partner: 'acme',
        externalId: 'c-1',
        customerName: null,
        trigger: 'created',
        openedAt: '2026-11-01T00:00:00.000Z',
        ageMinutes: 47_385,
        lastStatus: 'pending_rpl_review',
        attempts: 0,
        unreachableAttempts: 0,
        overdue: true,
        reasons: [],
      },
    ];
    const rpl = { open, closedSinceLastRun: [], deprovisions: [] };
    const cell = (locale: 'en' | 'ja' | 'pt-BR') =>
      /data-minutes="47385">([^<]*)</.exec(
        renderReportHtml({ summary: aSummary(), issues: [], locale, rpl }),
      )?.[1];
    expect(cell('en')).to.equal('32 d 21 h');
    expect(cell('ja')).to.equal('32日21時間');
    expect(cell('pt-BR')).to.equal('32 d 21 h');
  });

  it('when the run wrote deprovision-candidates.csv, then the page links it and links back to the index', () => {
    const html = renderReportHtml({
      summary: aSummary(),
      issues: [],
      locale: 'en',
      runFiles: ['deprovision-candidates.csv'],
    });
    expect(html).to.contain('<a href="deprovision-candidates.csv">deprovision-candidates.csv</a>');
    expect(html).to.contain('<a href="../index.html" id="all-runs">All runs</a>');
  });

  it('when the run reconciled with drift and orphans, then headline tiles show changes, RPL, drift and orphans', () => {
    const summary = aSummary({
      reconcile: {
        inSync: 5,
        drifted: 2,
        missingInWebex: 0,
        orphansInWebex: 3,
        parked: 0,
        partnerOwnOrg: 0,
      },
    });
    summary.customers = { ...summary.customers, created: 4, updated: 0 };
    summary.subscribers = { ...summary.subscribers, created: 0, failed: 1 };
    const html = renderReportHtml({ summary, issues: [], locale: 'en' });
    const tile = (id: string) =>
      new RegExp(`<div class="card" id="tile-${id}">(.*?)</div></div>`).exec(html)?.[1] ?? '';
    expect(tile('changes'))
      .to.contain('<div class="big">4</div>')
      .and.contain('<b class="neg">1</b>');
    expect(tile('rpl')).to.contain('<div class="label">');
    expect(tile('reconcile'))
      .to.contain('<div class="big">5</div>')
      .and.contain('<b class="neg">2</b>')
      .and.contain('<b class="neg">3</b>');
  });

  it('when the run failed, then its error is shown first', () => {
    const html = renderReportHtml({
      summary: aSummary({
        status: 'failed',
        exitCode: 3,
        error: 'SQLITE_BUSY: database is locked',
      }),
      issues: [],
      locale: 'en',
    });
    expect(html).to.include('<span class="badge bad lg">Failed</span>');
    expect(html.indexOf('SQLITE_BUSY')).to.be.lessThan(html.indexOf('id="totals"'));
  });
});

describe('renderReportsIndexHtml', () => {
  it('when runs are given out of order, then they are listed newest first with links to their reports', () => {
    const html = renderReportsIndexHtml(
      [
        {
          runId: 'r-old',
          job: 'import',
          startedAt: '2025-03-01T02:00:00Z',
          finishedAt: '2025-03-01T02:01:00Z',
          status: 'ok',
          exitCode: 0,
          dryRun: false,
        },
        {
          runId: 'r-new',
          job: 'nightly',
          startedAt: '2025-03-02T02:00:00Z',
          finishedAt: null,
          status: 'running',
          exitCode: null,
          dryRun: true,
        },
      ],
      'en',
    );
    expect(html.indexOf('r-new')).to.be.lessThan(html.indexOf('r-old'));
    expect(html).to.include('<a href="r-new/report.html">r-new</a>');
    expect(html).to.include('<a href="r-old/report.html">r-old</a>');
    expect(html).to.include('not finished');
  });

  it('when a run id is not a plain folder name, then it is shown escaped and not linked', () => {
    const html = renderReportsIndexHtml(
      [
        {
          runId: '../<x>',
          job: 'import',
          startedAt: '2025-03-01T02:00:00Z',
          finishedAt: null,
          status: 'failed',
          exitCode: 3,
          dryRun: false,
        },
      ],
      'ja',
    );
    expect(html).to.include('../&lt;x&gt;');
    expect(html).not.to.include('href=');
    expect(html).to.include('実行履歴');
  });
});

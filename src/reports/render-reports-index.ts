import type { Locale } from '../config/index.ts';
import { escapeHtml, escapeValue, formatDuration, renderPage, runStatusTone } from './html-page.ts';
import { formatCount, labelsFor } from './labels.ts';
import { formatDate } from './report-context.ts';
import type { RunListEntry, RunTotals } from './report-input.ts';

// Run ids name folders we created; anything else gets no link rather than a path we did not make.
const SAFE_RUN_ID = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;

/** Runs newest first: by start time, then run id. */
export function sortRunsNewestFirst(runs: readonly RunListEntry[]): RunListEntry[] {
  return [...runs].sort((a, b) => {
    const byStart = (Date.parse(b.startedAt) || 0) - (Date.parse(a.startedAt) || 0);
    return byStart !== 0 ? byStart : a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0;
  });
}

/** reports/index.html: every run, newest first, each linking to <runId>/report.html. */
export function renderReportsIndexHtml(
  runs: readonly RunListEntry[],
  locale: Locale,
  timeZone = 'UTC',
): string {
  const l = labelsFor(locale);
  const date = (iso: string) => formatDate(iso, locale, timeZone);
  const sorted = sortRunsNewestFirst(runs);
  const totalLabel = (k: keyof RunTotals): string =>
    ({
      rows: l.rows,
      refused: l.rejected,
      created: l.change.created,
      failed: l.change.failed,
      attention: l.needsYou,
      rplOpen: l.rplCount.pending,
    })[k];
  const rows = sorted.map((r) => {
    const id = !SAFE_RUN_ID.test(r.runId)
      ? escapeValue(r.runId)
      : r.hasReport === false
        ? `${escapeHtml(r.runId)}${r.finishedAt === null ? '' : ` <span class="muted">(${escapeHtml(l.reportGone)})</span>`}`
        : `<a href="${encodeURIComponent(r.runId)}/report.html">${escapeHtml(r.runId)}</a>`;
    const status = l.runStatus[r.status] ?? r.status;
    return `<tr>
<td class="code-cell">${id}</td>
<td><code>${escapeHtml(r.job)}</code></td>
<td><span class="badge ${runStatusTone(r.status)}">${escapeHtml(status)}</span></td>
<td class="num">${r.exitCode === null ? '—' : escapeHtml(String(r.exitCode))}</td>
<td>${escapeHtml(date(r.startedAt))}</td>
<td>${r.finishedAt === null ? `<span class="muted">${escapeHtml(l.notFinished)}</span>` : escapeHtml(date(r.finishedAt))}</td>
${TOTAL_KEYS.map((k) => `<td class="num">${r.totals ? escapeHtml(formatCount(locale, r.totals[k])) : ''}</td>`).join('')}
<td class="num">${escapeHtml(formatDuration(r.startedAt, r.finishedAt))}</td>
<td>${r.dryRun ? `<span class="badge info">${escapeHtml(l.dryRun)}</span>` : ''}</td>
</tr>`;
  });
  const table =
    sorted.length === 0
      ? `<p class="muted">${escapeHtml(l.noRuns)}</p>`
      : `<div class="scroll"><table>
<thead><tr><th>${escapeHtml(l.runId)}</th><th>${escapeHtml(l.job)}</th><th>${escapeHtml(l.status)}</th><th class="num">${escapeHtml(l.exitCode)}</th><th>${escapeHtml(l.startedAt)}</th><th>${escapeHtml(l.finishedAt)}</th>${TOTAL_KEYS.map((k) => `<th class="num">${escapeHtml(totalLabel(k))}</th>`).join('')}<th class="num">${escapeHtml(l.duration)}</th><th>${escapeHtml(l.dryRun)}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`;
  const body = `<header class="run"><div class="title"><h1>${escapeHtml(l.indexTitle)}</h1><span class="muted">(${formatCount(locale, sorted.length)})</span></div></header>
${renderTrend(sorted, locale, totalLabel)}
<section id="runs">${table}</section>`;
  return renderPage({ lang: locale, title: `rtm-batch · ${l.indexTitle}`, body });
}

/** The index's columns of counts, in order. */
const TOTAL_KEYS: readonly (keyof RunTotals)[] = [
  'rows',
  'refused',
  'created',
  'failed',
  'attention',
];

/** Runs the trend picture covers, and the series it draws (each scaled to its own maximum). */
const TREND_RUNS = 30;
const TREND_SERIES: readonly { key: keyof RunTotals; colour: string }[] = [
  { key: 'rows', colour: '#2563eb' },
  { key: 'refused', colour: '#d97706' },
  { key: 'failed', colour: '#dc2626' },
  { key: 'rplOpen', colour: '#7c3aed' },
];

/**
 * An inline SVG of the last 30 runs with counts, oldest on the left: rows, refusals, failures and
 * RPL checks open, each line scaled to its own maximum (named in the legend). Drawn here, no
 * script and no network; nothing when fewer than two runs have counts.
 */
export function renderTrend(
  newestFirst: readonly RunListEntry[],
  locale: Locale,
  label: (k: keyof RunTotals) => string,
): string {
  const runs = newestFirst
    .filter((r) => r.totals !== undefined)
    .slice(0, TREND_RUNS)
    .reverse();
  if (runs.length < 2) return '';
  const l = labelsFor(locale);
  const width = 600;
  const height = 120;
  const x = (i: number) => ((i / (runs.length - 1)) * (width - 20) + 10).toFixed(1);
  const lines = TREND_SERIES.map(({ key, colour }) => {
    const values = runs.map((r) => (r.totals as RunTotals)[key]);
    const max = Math.max(1, ...values);
    const points = values
      .map((v, i) => `${x(i)},${(height - 10 - (v / max) * (height - 20)).toFixed(1)}`)
      .join(' ');
    return {
      svg: `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points}" data-series="${key}"/>`,
      legend: `<span class="nowrap"><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${colour}"/></svg> ${escapeHtml(label(key))} (max ${escapeHtml(formatCount(locale, max))})</span>`,
    };
  });
  const title = l.trend(formatCount(locale, runs.length));
  return `<section id="trend"><h2>${escapeHtml(title)}</h2>
<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="100%" height="${height}" preserveAspectRatio="none">
${lines.map((s) => s.svg).join('\n')}
</svg>
<p>${lines.map((s) => s.legend).join(' · ')}</p></section>`;
}

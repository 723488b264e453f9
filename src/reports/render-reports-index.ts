import type { Locale } from '../config/index.ts';
import {
  escapeHtml,
  escapeValue,
  formatDuration,
  formatTimestamp,
  renderPage,
  runStatusTone,
} from './html-page.ts';
import { formatCount, labelsFor } from './labels.ts';
import type { RunListEntry } from './report-input.ts';

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
export function renderReportsIndexHtml(runs: readonly RunListEntry[], locale: Locale): string {
  const l = labelsFor(locale);
  const sorted = sortRunsNewestFirst(runs);
  const rows = sorted.map((r) => {
    const id = SAFE_RUN_ID.test(r.runId)
      ? `<a href="${encodeURIComponent(r.runId)}/report.html">${escapeHtml(r.runId)}</a>`
      : escapeValue(r.runId);
    const status = l.runStatus[r.status] ?? r.status;
    return `<tr>
<td class="code-cell">${id}</td>
<td><code>${escapeHtml(r.job)}</code></td>
<td><span class="badge ${runStatusTone(r.status)}">${escapeHtml(status)}</span></td>
<td class="num">${r.exitCode === null ? '—' : escapeHtml(String(r.exitCode))}</td>
<td>${escapeHtml(formatTimestamp(r.startedAt))}</td>
<td>${r.finishedAt === null ? `<span class="muted">${escapeHtml(l.notFinished)}</span>` : escapeHtml(formatTimestamp(r.finishedAt))}</td>
<td class="num">${escapeHtml(formatDuration(r.startedAt, r.finishedAt))}</td>
<td>${r.dryRun ? `<span class="badge info">${escapeHtml(l.dryRun)}</span>` : ''}</td>
</tr>`;
  });
  const table =
    sorted.length === 0
      ? `<p class="muted">${escapeHtml(l.noRuns)}</p>`
      : `<div class="scroll"><table>
<thead><tr><th>${escapeHtml(l.runId)}</th><th>${escapeHtml(l.job)}</th><th>${escapeHtml(l.status)}</th><th class="num">${escapeHtml(l.exitCode)}</th><th>${escapeHtml(l.startedAt)}</th><th>${escapeHtml(l.finishedAt)}</th><th class="num">${escapeHtml(l.duration)}</th><th>${escapeHtml(l.dryRun)}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`;
  const body = `<header class="run"><div class="title"><h1>${escapeHtml(l.indexTitle)}</h1><span class="muted">(${formatCount(locale, sorted.length)})</span></div></header>
<section id="runs">${table}</section>`;
  return renderPage({ lang: locale, title: `rtm-batch · ${l.indexTitle}`, body });
}

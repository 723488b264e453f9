import { CHANGE_KEYS, PLAN_KEYS, RECONCILE_KEYS, RPL_KEYS } from './summary.ts';
import {
  escapeHtml,
  escapeValue,
  formatDuration,
  renderPage,
  runStatusTone,
  TABLE_SCRIPT,
} from './html-page.ts';
import { describeReconcileLine, type ReportLabels } from './labels.ts';
import { renderPartnerSections } from './render-partner-sections.ts';
import { renderPictures } from './render-pictures.ts';
import { reportContext, type ReportContext } from './report-context.ts';
import type {
  PlanLine,
  ReconcileCategory,
  ReconcileLine,
  ReportInput,
  RplReport,
} from './report-input.ts';
import { renderBillingSection } from './render-billing-section.ts';
import { renderDialInSection } from './render-dial-in-section.ts';
import { CATEGORY_TONE, FILE_STATUS_TONE } from './tones.ts';
import { rplLabelsFor, type RplLabels } from './rpl-labels.ts';
import type { FileSummary, IssueRecord, PlanCounts, Summary } from './summary.ts';

/** Issues and plan lines listed in report.html; the rest are counted and left to issues.csv. */
export const HTML_ROW_LIMIT = 1000;

/** File names of a run's report folder, as report.html links them. */
export const REPORT_FILES = {
  summary: 'summary.json',
  html: 'report.html',
  xlsx: 'report.xlsx',
  issues: 'issues.csv',
} as const;

/** Files a run adds to its report folder when it reconciled (contract §6). */
export const RECONCILE_FILES = {
  reconciliation: 'reconciliation.csv',
  deprovisionCandidates: 'deprovision-candidates.csv',
} as const;

/** Categories whose lines report.html lists; in-sync, parked and own-org lines are only counted. */
const LISTED_CATEGORIES: ReadonlySet<ReconcileCategory> = new Set([
  'drifted',
  'missingInWebex',
  'orphansInWebex',
]);
const PLAN_TONE: Readonly<Record<PlanLine['action'], string>> = {
  create: 'ok',
  update: 'info',
  delete: 'bad',
  unchanged: 'gray',
};
/** Counts that are bad news when not zero, drawn in red. */
const ALARMING = new Set([
  'rejected',
  'failed',
  'overdue',
  'nonCompliant',
  'drifted',
  'missingInWebex',
]);

type Ctx = ReportContext;

/** One part of report.html; '' leaves it out. A new section is one entry of REPORT_SECTIONS. */
export interface ReportSection {
  id: string;
  render: (input: ReportInput, ctx: ReportContext) => string;
}

/**
 * The sections of report.html, in page order: first the status and what needs a person, then the
 * headline tiles and pictures, each partner, then the detail tables.
 */
export const REPORT_SECTIONS: readonly ReportSection[] = [
  { id: 'header', render: (i, c) => renderHeader(i.summary, c, i.runFiles ?? []) },
  { id: 'attention', render: (i, c) => renderAttention(i.summary.attention, c) },
  {
    id: 'failure',
    render: (i, c) => (i.summary.error ? banner('bad', c.l.runFailure, i.summary.error) : ''),
  },
  {
    id: 'dry-run',
    render: (i, c) => (i.summary.dryRun ? banner('info', c.l.dryRun, c.l.dryRunBanner) : ''),
  },
  { id: 'totals', render: (i, c) => renderTotals(i.summary, c) },
  { id: 'pictures', render: renderPictures },
  { id: 'partners', render: renderPartnerSections },
  { id: 'notes', render: (i, c) => renderNotes(i.summary.notes, c) },
  { id: 'files', render: (i, c) => renderFiles(i.summary.files, c) },
  { id: 'issue-counts', render: (i, c) => renderIssueCounts(i.summary.issueCounts, c) },
  { id: 'issues', render: (i, c) => renderIssues(i.issues, c) },
  {
    id: 'reconciliation',
    render: (i, c) =>
      i.summary.reconcile !== null ? renderReconciliation(i.reconciliation ?? [], c) : '',
  },
  {
    id: 'dial-ins',
    render: (i) => (i.dialIns === undefined ? '' : renderDialInSection(i.dialIns, i.locale)),
  },
  {
    id: 'billing',
    render: (i) => (i.billing === undefined ? '' : renderBillingSection(i.billing, i.locale)),
  },
  {
    id: 'plan',
    render: (i, c) =>
      i.plan !== undefined || (i.summary.plan !== undefined && i.summary.plan !== null)
        ? renderPlan(i.summary.plan ?? null, i.plan ?? [], c)
        : '',
  },
  { id: 'rpl', render: (i, c) => (i.rpl ? renderRplSection(i.rpl, c) : '') },
];

/** The run's report.html: self-contained, every partner value escaped, `sections` in order. */
export function renderReportHtml(
  input: ReportInput,
  sections: readonly ReportSection[] = REPORT_SECTIONS,
): string {
  const ctx = reportContext(input.locale, input.timeZone);
  const { l } = ctx;
  const body = [
    ...sections.map((section) => section.render(input, ctx)),
    `<footer>${escapeHtml(l.reportTitle)} · <span class="code">${escapeHtml(input.summary.runId)}</span></footer>`,
  ];
  return renderPage({
    lang: input.locale,
    title: `${l.reportTitle} ${input.summary.runId}`,
    body: body.filter((part) => part !== '').join('\n'),
    script: TABLE_SCRIPT,
    filterLabel: `${l.filter} (${l.partner}, ${l.code}, ${l.status}…)`,
  });
}

/** A section with nothing to show, on one line: its heading and why it is empty. */
function emptySection(id: string, title: string, text: string): string {
  return `<section id="${id}" class="empty"><h2>${escapeHtml(title)} <span class="muted">· ${escapeHtml(text)}</span></h2></section>`;
}

function renderHeader(s: Summary, { l, date }: Ctx, runFiles: readonly string[]): string {
  const meta: [string, string][] = [
    [l.job, `<code>${escapeHtml(s.job)}</code>`],
    [l.exitCode, escapeHtml(String(s.exitCode))],
    [l.startedAt, `<span class="nowrap">${escapeHtml(date(s.startedAt))}</span>`],
    [l.finishedAt, `<span class="nowrap">${escapeHtml(date(s.finishedAt))}</span>`],
    [l.duration, escapeHtml(formatDuration(s.startedAt, s.finishedAt))],
    [
      l.dryRun,
      s.dryRun ? `<span class="badge info">${escapeHtml(l.yes)}</span>` : escapeHtml(l.no),
    ],
  ];
  const links = [
    ...Object.values(REPORT_FILES).filter((f) => f !== REPORT_FILES.html),
    ...(s.reconcile !== null ? [RECONCILE_FILES.reconciliation] : []),
    ...runFiles.filter((f) => f !== RECONCILE_FILES.reconciliation),
  ]
    .map((f) => `<a href="${escapeHtml(encodeURIComponent(f))}">${escapeHtml(f)}</a>`)
    .join('');
  return `<header class="run">
<div class="title"><h1>${escapeHtml(l.reportTitle)}</h1>${statusBadge(s.status, l, 'lg')}</div>
<dl class="meta">
<div class="wide"><dt>${escapeHtml(l.runId)}</dt><dd class="run-id">${escapeHtml(s.runId)}</dd></div>
${meta.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${v}</dd></div>`).join('\n')}
</dl>
<p class="links">${escapeHtml(l.downloads)}: ${links}</p>
<p class="links"><a href="../index.html" id="all-runs">${escapeHtml(l.allRuns)}</a></p>
</header>`;
}

function statusBadge(status: Summary['status'], l: ReportLabels, size = ''): string {
  const tone = runStatusTone(status);
  return `<span class="badge ${tone}${size ? ` ${size}` : ''}">${escapeHtml(l.runStatus[status])}</span>`;
}

function banner(tone: string, title: string, text: string): string {
  return `<div class="banner ${tone}" role="note"><strong>${escapeHtml(title)}</strong><span class="msg">${escapeValue(text, 4000)}</span></div>`;
}

function renderTotals(s: Summary, ctx: Ctx): string {
  const { l, n } = ctx;
  const byStatus = (['processed', 'duplicate', 'quarantined', 'skipped'] as const)
    .map((st) => ({ st, count: s.files.filter((f) => f.status === st).length }))
    .filter((x) => x.count > 0)
    .map(
      ({ st, count }) =>
        `${escapeHtml(l.fileStatus[st])} <b${st === 'quarantined' ? ' class="neg"' : ''}>${n(count)}</b>`,
    )
    .join(' · ');
  const cards = `<div class="cards">
<div class="card"><div class="label">${escapeHtml(l.files)}</div><div class="big">${n(s.files.length)}</div><div class="sub">${byStatus || '&nbsp;'}</div></div>
<div class="card"><div class="label">${escapeHtml(l.rows)} · ${escapeHtml(l.rowsTotal)}</div><div class="big">${n(s.rows.total)}</div><div class="sub">${escapeHtml(l.accepted)} <b>${n(s.rows.accepted)}</b> · ${escapeHtml(l.rejected)} <b${s.rows.rejected > 0 ? ' class="neg"' : ''}>${n(s.rows.rejected)}</b></div></div>
${headlineTiles(s, ctx)}
</div>`;
  const changes = countTable(
    l.changes,
    CHANGE_KEYS.map((k) => ({ key: k, label: l.change[k] })),
    [
      { label: l.customers, counts: s.customers },
      { label: l.subscribers, counts: s.subscribers },
    ],
    ctx,
  );
  const rpl = keyValueTable(
    l.rpl,
    RPL_KEYS.map((k) => ({ key: k, label: l.rplCount[k], value: s.rpl[k] })),
    ctx,
  );
  const rc = s.reconcile;
  const reconcile =
    rc === null
      ? `<div><h3>${escapeHtml(l.reconcile)}</h3><p class="muted">${escapeHtml(l.notReconciled)}</p></div>`
      : keyValueTable(
          l.reconcile,
          RECONCILE_KEYS.map((k) => ({ key: k, label: l.reconcileCount[k], value: rc[k] })),
          ctx,
        );
  return `<section id="totals"><h2>${escapeHtml(l.totals)}</h2>
${cards}
${changes}
<div class="grid2">${rpl}${reconcile}</div>
</section>`;
}

/** Headline tiles: changes (customers and subscribers together), RPL, and what reconcile found. */
function headlineTiles(s: Summary, { l, n }: Ctx): string {
  const sub = (parts: [string, number, boolean][]) =>
    parts
      .map(
        ([label, value, bad]) =>
          `${escapeHtml(label)} <b${bad && value > 0 ? ' class="neg"' : ''}>${n(value)}</b>`,
      )
      .join(' · ');
  const changed = (k: 'created' | 'updated' | 'failed' | 'pending') =>
    s.customers[k] + s.subscribers[k];
  const tile = (id: string, label: string, big: number, parts: [string, number, boolean][]) =>
    `<div class="card" id="tile-${id}"><div class="label">${escapeHtml(label)}</div><div class="big">${n(big)}</div><div class="sub">${sub(parts)}</div></div>`;
  const tiles = [
    tile('changes', l.changes, changed('created') + changed('updated'), [
      [l.change.created, changed('created'), false],
      [l.change.updated, changed('updated'), false],
      [l.change.failed, changed('failed'), true],
      [l.change.pending, changed('pending'), false],
    ]),
    tile('rpl', l.rpl, s.rpl.pending, [
      [l.rplCount.overdue, s.rpl.overdue, true],
      [l.rplCount.deprovisionCandidates, s.rpl.deprovisionCandidates, true],
    ]),
  ];
  if (s.reconcile !== null) {
    const rc = s.reconcile;
    tiles.push(
      tile('reconcile', l.reconcile, rc.drifted + rc.orphansInWebex, [
        [l.reconcileCount.drifted, rc.drifted, true],
        [l.reconcileCount.orphansInWebex, rc.orphansInWebex, true],
      ]),
    );
  }
  return tiles.join('\n');
}

function countCell(key: string, value: number, { n }: Ctx): string {
  const cls = value === 0 ? 'num zero' : ALARMING.has(key) ? 'num neg' : 'num';
  return `<td class="${cls}">${n(value)}</td>`;
}

function countTable<K extends string>(
  title: string,
  columns: { key: K; label: string }[],
  rows: { label: string; counts: Record<K, number> }[],
  ctx: Ctx,
): string {
  return `<h3>${escapeHtml(title)}</h3><div class="scroll"><table>
<thead><tr><th></th>${columns.map((c) => `<th class="num">${escapeHtml(c.label)}</th>`).join('')}</tr></thead>
<tbody>${rows
    .map(
      (r) =>
        `<tr><th scope="row">${escapeHtml(r.label)}</th>${columns.map((c) => countCell(c.key, r.counts[c.key], ctx)).join('')}</tr>`,
    )
    .join('\n')}</tbody></table></div>`;
}

function keyValueTable(
  title: string,
  rows: { key: string; label: string; value: number }[],
  ctx: Ctx,
): string {
  return `<div><h3>${escapeHtml(title)}</h3><table><tbody>
${rows.map((r) => `<tr><td>${escapeHtml(r.label)}</td>${countCell(r.key, r.value, ctx)}</tr>`).join('\n')}
</tbody></table></div>`;
}

/** What needs a person, first on the page; nothing when nothing does. */
function renderAttention(items: Summary['attention'], { l, n }: Ctx): string {
  if (items.length === 0) return '';
  const list = items
    .map(
      (a) =>
        `<li class="msg"><span class="badge warn">${escapeHtml(n(a.count))}</span> ${a.partner ? `<strong>${escapeHtml(a.partner)}</strong>: ` : ''}${escapeValue(a.message, 4000)}</li>`,
    )
    .join('\n');
  return `<section id="attention" class="attention"><h2>${escapeHtml(l.needsYou)}</h2><ul class="notes">${list}</ul></section>`;
}

function renderNotes(notes: string[], { l }: Ctx): string {
  if (notes.length === 0) return emptySection('notes', l.notes, l.noNotes);
  const items = `<ul class="notes">${notes.map((note) => `<li class="msg">${escapeValue(note, 4000)}</li>`).join('\n')}</ul>`;
  return `<section id="notes"><h2>${escapeHtml(l.notes)}</h2>${items}</section>`;
}

function renderFiles(files: FileSummary[], ctx: Ctx): string {
  const { l, n } = ctx;
  if (files.length === 0) return emptySection('files', l.files, l.noFiles);
  const rows = files.map(
    (f) => `<tr>
<td class="nowrap">${escapeValue(f.partner)}</td>
<td class="name">${escapeValue(f.name)}</td>
<td>${f.format === null ? '<span class="muted">—</span>' : escapeHtml(f.format.toUpperCase())}</td>
<td>${escapeValue(f.encoding)}</td>
<td><span class="badge ${FILE_STATUS_TONE[f.status] ?? 'gray'}">${escapeHtml(l.fileStatus[f.status] ?? f.status)}</span></td>
<td>${f.code === null ? '' : `<code>${escapeHtml(f.code)}</code>`}</td>
<td class="msg">${f.message === null ? '' : escapeValue(f.message, 2000)}</td>
<td class="num">${n(f.rows.total)}</td>
<td class="num">${n(f.rows.accepted)}</td>
${countCell('rejected', f.rows.rejected, ctx)}
</tr>`,
  );
  return `<section id="files"><h2>${escapeHtml(l.files)} <span class="muted">(${n(files.length)})</span></h2><div class="scroll"><table class="data">
<thead><tr><th>${escapeHtml(l.partner)}</th><th>${escapeHtml(l.fileName)}</th><th>${escapeHtml(l.format)}</th><th>${escapeHtml(l.encoding)}</th><th>${escapeHtml(l.status)}</th><th>${escapeHtml(l.code)}</th><th>${escapeHtml(l.message)}</th><th class="num">${escapeHtml(l.rows)}</th><th class="num">${escapeHtml(l.accepted)}</th><th class="num">${escapeHtml(l.rejected)}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div></section>`;
}

function renderIssueCounts(counts: Record<string, number>, { l, n }: Ctx): string {
  const entries = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return emptySection('issue-counts', l.issueCounts, l.noIssues);
  const content = `<table class="counts data"><thead><tr><th>${escapeHtml(l.code)}</th><th class="num">${escapeHtml(l.count)}</th></tr></thead><tbody>
${entries.map(([code, count]) => `<tr><td><code>${escapeHtml(code)}</code></td><td class="num">${n(count)}</td></tr>`).join('\n')}
</tbody></table>`;
  return `<section id="issue-counts"><h2>${escapeHtml(l.issueCounts)}</h2>${content}</section>`;
}

function renderIssues(issues: IssueRecord[], { l, n }: Ctx): string {
  if (issues.length === 0) return emptySection('issues', l.issues, l.noIssues);
  const shown = issues.slice(0, HTML_ROW_LIMIT);
  const rows = shown.map(
    (i) => `<tr>
<td class="nowrap">${escapeValue(i.partner)}</td>
<td class="name">${escapeValue(i.file)}</td>
<td>${escapeValue(i.sheet)}</td>
<td class="num">${i.row === null ? '' : n(i.row)}</td>
<td>${escapeValue(i.column)}</td>
<td class="val">${escapeValue(i.value)}</td>
<td><code>${escapeHtml(i.code)}</code></td>
<td class="msg">${escapeValue(i.message, 2000)}</td>
</tr>`,
  );
  const more = issues.length - shown.length;
  return `<section id="issues"><h2>${escapeHtml(l.issues)} <span class="muted">(${n(issues.length)})</span></h2><div class="scroll"><table class="data">
<thead><tr><th>${escapeHtml(l.partner)}</th><th>${escapeHtml(l.fileName)}</th><th>${escapeHtml(l.sheet)}</th><th class="num">${escapeHtml(l.row)}</th><th>${escapeHtml(l.column)}</th><th>${escapeHtml(l.value)}</th><th>${escapeHtml(l.code)}</th><th>${escapeHtml(l.message)}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>${more > 0 ? `\n<p class="more" id="more-issues">${escapeHtml(l.moreIssues(n(more)))}</p>` : ''}</section>`;
}

function renderPlan(counts: PlanCounts | null, lines: PlanLine[], ctx: Ctx): string {
  const { l, n } = ctx;
  const countsHtml =
    counts === null
      ? ''
      : `<h3>${escapeHtml(l.planCounts)}</h3><div class="cards">${PLAN_KEYS.map(
          (k) =>
            `<div class="card"><div class="label"><span class="badge ${PLAN_TONE[k]}">${escapeHtml(l.planAction[k])}</span></div><div class="big">${n(counts[k])}</div></div>`,
        ).join('')}</div>`;
  const shown = lines.slice(0, HTML_ROW_LIMIT);
  // `lines` is plan.csv's first lines when the plan is long; the counts say how many it holds.
  const total = Math.max(lines.length, counts ? counts.create + counts.update + counts.delete : 0);
  const more = total - shown.length;
  const table =
    lines.length === 0
      ? ''
      : `<div class="scroll"><table class="data">
<thead><tr><th>${escapeHtml(l.partner)}</th><th>${escapeHtml(l.entity)}</th><th>${escapeHtml(l.key)}</th><th>${escapeHtml(l.action)}</th></tr></thead>
<tbody>
${shown
  .map(
    (p) =>
      `<tr><td class="nowrap">${escapeValue(p.partner)}</td><td>${escapeHtml(l.entityName[p.entity] ?? p.entity)}</td><td class="val">${escapeValue(p.key)}</td><td><span class="badge ${PLAN_TONE[p.action] ?? 'gray'}">${escapeHtml(l.planAction[p.action] ?? p.action)}</span></td></tr>`,
  )
  .join('\n')}
</tbody></table></div>${more > 0 ? `<p class="more">${escapeHtml(l.morePlanLines(n(more)))}</p>` : ''}`;
  return `<section id="plan"><h2>${escapeHtml(l.plan)}${total > 0 ? ` <span class="muted">(${n(total)})</span>` : ''}</h2>${countsHtml}${table}</section>`;
}

function renderReconciliation(lines: readonly ReconcileLine[], { l, n }: Ctx): string {
  const listed = lines.filter((line) => LISTED_CATEGORIES.has(line.category));
  const title = `<h2>${escapeHtml(l.reconcileLines)}${listed.length > 0 ? ` <span class="muted">(${n(listed.length)})</span>` : ''}</h2>`;
  if (listed.length === 0)
    return emptySection('reconciliation', l.reconcileLines, l.noDiscrepancies);
  const shown = listed.slice(0, HTML_ROW_LIMIT);
  const more = listed.length - shown.length;
  const rows = shown.map(
    (line) => `<tr>
<td class="nowrap">${escapeValue(line.partner)}</td>
<td>${escapeHtml(l.entityName[line.entity] ?? line.entity)}</td>
<td class="val">${escapeValue(line.key)}</td>
<td class="val">${escapeValue(line.webexId)}</td>
<td><span class="badge ${CATEGORY_TONE[line.category] ?? 'gray'}">${escapeHtml(l.reconcileCount[line.category] ?? line.category)}</span></td>
<td class="msg">${escapeValue(describeReconcileLine(line, l), 2000)}</td>
</tr>`,
  );
  return `<section id="reconciliation">${title}<div class="scroll"><table class="data">
<thead><tr><th>${escapeHtml(l.partner)}</th><th>${escapeHtml(l.entity)}</th><th>${escapeHtml(l.reconcileKey)}</th><th>${escapeHtml(l.webexId)}</th><th>${escapeHtml(l.category)}</th><th>${escapeHtml(l.detail)}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>${more > 0 ? `\n<p class="more" id="more-reconciliation">${escapeHtml(l.moreReconcileLines(n(more)))}</p>` : ''}</section>`;
}

/** Open RPL checks with age and attempts, the ones closed since the last run, deprovisioning outcomes. */
function renderRplSection(rpl: RplReport, ctx: Ctx): string {
  const { n } = ctx;
  const r = rplLabelsFor(ctx.locale);
  const th = (label: string, num = false) =>
    `<th${num ? ' class="num"' : ''}>${escapeHtml(label)}</th>`;
  const shownOpen = rpl.open.slice(0, HTML_ROW_LIMIT);
  const open =
    rpl.open.length === 0
      ? `<p class="muted">${escapeHtml(r.noOpen)}</p>`
      : `<div class="scroll"><table id="rpl-open" class="data">
<thead><tr>${th(r.partner)}${th(r.customer)}${th(r.customerName)}${th(r.trigger)}${th(r.openedAt)}${th(r.age, true)}${th(r.lastStatus)}${th(r.attempts, true)}${th(r.unreachable, true)}${th(r.overdue)}${th(r.candidate)}</tr></thead>
<tbody>
${shownOpen
  .map(
    (c) => `<tr>
<td class="nowrap">${escapeValue(c.partner)}</td>
<td class="val">${escapeValue(c.externalId)}</td>
<td class="name">${escapeValue(c.customerName)}</td>
<td>${escapeHtml(r.triggerName[c.trigger] ?? c.trigger)}</td>
<td class="nowrap">${escapeHtml(ctx.date(c.openedAt))}</td>
<td class="num nowrap" data-minutes="${c.ageMinutes}">${escapeHtml(formatAge(c.ageMinutes, r, n))}</td>
<td>${c.lastStatus === null ? '' : `<code>${escapeHtml(c.lastStatus)}</code>`}</td>
<td class="num">${n(c.attempts)}</td>
${countCell('failed', c.unreachableAttempts, ctx)}
<td>${c.overdue ? `<span class="badge warn">${escapeHtml(r.overdue)}</span>` : ''}</td>
<td>${c.reasons.map((x) => `<span class="badge bad">${escapeHtml(r.reasonName[x] ?? x)}</span>`).join(' ')}</td>
</tr>`,
  )
  .join('\n')}
</tbody></table></div>`;
  const closed =
    rpl.closedSinceLastRun.length === 0
      ? `<p class="muted">${escapeHtml(r.noClosed)}</p>`
      : `<div class="scroll"><table id="rpl-closed" class="data">
<thead><tr>${th(r.partner)}${th(r.customer)}${th(r.trigger)}${th(r.openedAt)}${th(r.closedAt)}${th(r.reason)}</tr></thead>
<tbody>
${rpl.closedSinceLastRun
  .slice(0, HTML_ROW_LIMIT)
  .map(
    (c) =>
      `<tr><td class="nowrap">${escapeValue(c.partner)}</td><td class="val">${escapeValue(c.externalId)}</td><td>${escapeHtml(r.triggerName[c.trigger] ?? c.trigger)}</td><td class="nowrap">${escapeHtml(ctx.date(c.openedAt))}</td><td class="nowrap">${escapeHtml(ctx.date(c.closedAt))}</td><td>${escapeHtml(c.reason === null ? '' : (r.closeReasonName[c.reason] ?? c.reason))}</td></tr>`,
  )
  .join('\n')}
</tbody></table></div>`;
  const deprovisions =
    rpl.deprovisions.length === 0
      ? ''
      : `<h3>${escapeHtml(r.deprovisions)}</h3><div class="scroll"><table id="rpl-deprovisions" class="data">
<thead><tr>${th(r.partner)}${th(r.customer)}${th(r.outcome)}${th(r.subscribersDeleted, true)}${th(r.message)}</tr></thead>
<tbody>
${rpl.deprovisions
  .map(
    (d) =>
      `<tr><td class="nowrap">${escapeValue(d.partner)}</td><td class="val">${escapeValue(d.externalId)}</td><td><span class="badge ${d.outcome === 'deleted' ? 'ok' : d.outcome === 'failed' ? 'bad' : 'gray'}">${escapeHtml(r.outcomeName[d.outcome] ?? d.outcome)}</span></td><td class="num">${n(d.subscribersDeleted)}</td><td class="msg">${d.message === null ? '' : escapeValue(d.message, 2000)}</td></tr>`,
  )
  .join('\n')}
</tbody></table></div>`;
  return `<section id="rpl"><h2>${escapeHtml(r.section)}</h2>
<h3>${escapeHtml(r.open)} <span class="muted">(${n(rpl.open.length)})</span></h3>${open}
<h3>${escapeHtml(r.closedSinceLastRun)} <span class="muted">(${n(rpl.closedSinceLastRun.length)})</span></h3>${closed}
${deprovisions}</section>`;
}

/**
 * The head of the HTML report alone (run, attention, failure, totals, notes): the body of the
 * e-mail sent when a run needs someone; the full report stays in the report folder.
 */
export function renderReportSummaryHtml(
  summary: Summary,
  locale: ReportInput['locale'],
  timeZone?: string,
): string {
  const ctx = reportContext(locale, timeZone);
  const { l } = ctx;
  const body = [
    renderHeader(summary, ctx, []),
    renderAttention(summary.attention, ctx),
    summary.error ? banner('bad', l.runFailure, summary.error) : '',
    renderTotals(summary, ctx),
    renderNotes(summary.notes, ctx),
  ];
  return renderPage({
    lang: locale,
    title: `${l.reportTitle} ${summary.runId}`,
    body: body.filter((part) => part !== '').join('\n'),
  });
}

/** An age in whole days and hours (47,385 minutes → 32 d 21 h), as ops read RPL ages. */
export function formatAge(
  minutes: number,
  r: Pick<RplLabels, 'daysHours'>,
  n: (value: number) => string,
): string {
  const hours = Math.floor(Math.max(0, minutes) / 60);
  return r.daysHours(n(Math.floor(hours / 24)), n(hours % 24));
}

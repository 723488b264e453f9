import { escapeHtml, escapeValue } from './html-page.ts';
import type { ReportContext } from './report-context.ts';
import type { ReportInput, ResultsFileLink, RplOpenLine } from './report-input.ts';
import { rplLabelsFor } from './rpl-labels.ts';
import { CHANGE_KEYS, type ChangeCounts, type FileSummary, type RowCounts } from './summary.ts';
import { emptyChangeCounts, emptyRowCounts } from './summary.ts';

/** Everything report.html shows about one partner. */
export interface PartnerView {
  partner: string;
  files: FileSummary[];
  rows: RowCounts;
  customers: ChangeCounts;
  subscribers: ChangeCounts;
  /** Issue codes and their counts, most frequent first. */
  refusals: [string, number][];
  rplOpen: RplOpenLine[];
  resultsFiles: ResultsFileLink[];
}

/** One view per partner the run touched, in partner order (pure). */
export function planPartnerViews(input: ReportInput): PartnerView[] {
  const views = new Map<string, PartnerView>();
  const view = (partner: string): PartnerView => {
    let v = views.get(partner);
    if (v === undefined) {
      v = {
        partner,
        files: [],
        rows: emptyRowCounts(),
        customers: emptyChangeCounts(),
        subscribers: emptyChangeCounts(),
        refusals: [],
        rplOpen: [],
        resultsFiles: [],
      };
      views.set(partner, v);
    }
    return v;
  };
  for (const f of input.summary.files) {
    const v = view(f.partner);
    v.files.push(f);
    v.rows.total += f.rows.total;
    v.rows.accepted += f.rows.accepted;
    v.rows.rejected += f.rows.rejected;
  }
  for (const c of input.partnerChanges ?? []) {
    const counts = view(c.partner)[c.entity === 'customer' ? 'customers' : 'subscribers'];
    const key = (CHANGE_KEYS as readonly string[]).includes(c.outcome)
      ? (c.outcome as keyof ChangeCounts)
      : 'pending';
    counts[key] += c.count;
  }
  const codes = new Map<string, Map<string, number>>();
  for (const i of input.issues) {
    view(i.partner);
    const byCode = codes.get(i.partner) ?? new Map<string, number>();
    byCode.set(i.code, (byCode.get(i.code) ?? 0) + 1);
    codes.set(i.partner, byCode);
  }
  for (const [partner, byCode] of codes)
    view(partner).refusals = [...byCode].sort(
      ([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0),
    );
  for (const c of input.rpl?.open ?? []) view(c.partner).rplOpen.push(c);
  for (const r of input.resultsFiles ?? []) view(r.partner).resultsFiles.push(r);
  return [...views.values()].sort((a, b) =>
    a.partner < b.partner ? -1 : a.partner > b.partner ? 1 : 0,
  );
}

const total = (c: ChangeCounts) => CHANGE_KEYS.reduce((sum, k) => sum + c[k], 0);

/** Whether a partner's section opens by itself: something there needs reading. */
function needsReading(v: PartnerView): boolean {
  return (
    v.rows.rejected > 0 ||
    v.customers.failed + v.subscribers.failed > 0 ||
    v.rplOpen.some((c) => c.overdue || c.reasons.length > 0) ||
    v.files.some((f) => f.status === 'quarantined')
  );
}

/** The link from reports/<run>/report.html to a results file in outbox/<partner>/. */
export function resultsFileHref(r: ResultsFileLink): string {
  return `../../outbox/${encodeURIComponent(r.partner)}/${encodeURIComponent(r.name)}`;
}

/** A section per partner: a one-line summary each, opened when something there needs reading. */
export function renderPartnerSections(input: ReportInput, ctx: ReportContext): string {
  const { l, n } = ctx;
  const views = planPartnerViews(input);
  if (views.length === 0)
    return `<section id="partners" class="empty"><h2>${escapeHtml(l.partners)} <span class="muted">· ${escapeHtml(l.noPartners)}</span></h2></section>`;
  return `<section id="partners"><h2>${escapeHtml(l.partners)} <span class="muted">(${n(views.length)})</span></h2>
${views.map((v) => renderPartner(v, ctx)).join('\n')}
</section>`;
}

function renderPartner(v: PartnerView, ctx: ReportContext): string {
  const { l, n } = ctx;
  const r = rplLabelsFor(ctx.locale);
  const changed = total(v.customers) + total(v.subscribers);
  const line = [
    `${escapeHtml(l.files)} <b>${n(v.files.length)}</b>`,
    `${escapeHtml(l.rows)} <b>${n(v.rows.total)}</b>`,
    `${escapeHtml(l.rejected)} <b${v.rows.rejected > 0 ? ' class="neg"' : ''}>${n(v.rows.rejected)}</b>`,
    `${escapeHtml(l.changes)} <b>${n(changed)}</b>`,
    `${escapeHtml(l.rplCustomers)} <b>${n(v.rplOpen.length)}</b>`,
  ].join(' · ');
  const empty = (text: string) => `<p class="muted">${escapeHtml(text)}</p>`;
  const files =
    v.files.length === 0
      ? ''
      : `<h3>${escapeHtml(l.files)}</h3><ul class="plain">${v.files
          .map(
            (f) =>
              `<li><span class="name">${escapeValue(f.name)}</span> <span class="badge ${f.status === 'processed' ? 'ok' : f.status === 'quarantined' ? 'bad' : 'gray'}">${escapeHtml(l.fileStatus[f.status] ?? f.status)}</span> <span class="muted">${escapeHtml(l.rows)} ${n(f.rows.total)} · ${escapeHtml(l.accepted)} ${n(f.rows.accepted)} · ${escapeHtml(l.rejected)} ${n(f.rows.rejected)}</span></li>`,
          )
          .join('')}</ul>`;
  const changes =
    changed === 0
      ? ''
      : `<h3>${escapeHtml(l.changes)}</h3><div class="scroll"><table class="counts">
<thead><tr><th></th>${CHANGE_KEYS.map((k) => `<th class="num">${escapeHtml(l.change[k])}</th>`).join('')}</tr></thead>
<tbody>${(
          [
            [l.customers, v.customers],
            [l.subscribers, v.subscribers],
          ] as const
        )
          .map(
            ([label, c]) =>
              `<tr><th scope="row">${escapeHtml(label)}</th>${CHANGE_KEYS.map((k) => `<td class="num${c[k] === 0 ? ' zero' : k === 'failed' ? ' neg' : ''}">${n(c[k])}</td>`).join('')}</tr>`,
          )
          .join('')}</tbody></table></div>`;
  const refusals =
    v.refusals.length === 0
      ? ''
      : `<h3>${escapeHtml(l.refusalsByCode)}</h3><p>${v.refusals
          .map(([code, count]) => `<code>${escapeHtml(code)}</code> ${n(count)}`)
          .join(' · ')}</p>`;
  const rpl =
    v.rplOpen.length === 0
      ? ''
      : `<h3>${escapeHtml(l.rplCustomers)}</h3><ul class="plain">${v.rplOpen
          .map(
            (c) =>
              `<li><span class="val">${escapeValue(c.externalId)}</span> ${c.customerName === null ? '' : escapeValue(c.customerName)} <span class="muted">${escapeHtml(r.daysHours(n(Math.floor(c.ageMinutes / 1440)), n(Math.floor(c.ageMinutes / 60) % 24)))}</span>${c.overdue ? ` <span class="badge warn">${escapeHtml(r.overdue)}</span>` : ''}${c.reasons.length > 0 ? ` <span class="badge bad">${escapeHtml(r.candidate)}</span>` : ''}</li>`,
          )
          .join('')}</ul>`;
  const results =
    v.resultsFiles.length === 0
      ? `<h3>${escapeHtml(l.resultsFiles)}</h3>${empty(l.noResultsFiles)}`
      : `<h3>${escapeHtml(l.resultsFiles)}</h3><ul class="plain">${v.resultsFiles
          .map(
            (f) =>
              `<li><a class="results-file" href="${escapeHtml(resultsFileHref(f))}">${escapeValue(f.name)}</a> <span class="muted">← ${escapeValue(f.source)}</span></li>`,
          )
          .join('')}</ul>`;
  return `<details class="partner"${needsReading(v) ? ' open' : ''} data-partner="${escapeHtml(v.partner)}"><summary><strong>${escapeValue(v.partner)}</strong> <span class="muted">${line}</span></summary>
${files}${changes}${refusals}${rpl}${results}</details>`;
}

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { redact } from '../log/index.ts';
import {
  addAttention,
  RECONCILE_FILES,
  writeReconciliationCsv,
  type ReconcileCounts,
  type ReconcileLine,
} from '../reports/index.ts';
import { readDeprovisionCandidates, writeDeprovisionCandidatesCsv } from '../rpl/index.ts';
import type { RunContext } from '../runs/context.ts';
import { listPartnerIds, loadCustomers } from '../store/index.ts';
import { AuthError, type WebexTargets } from '../webex/index.ts';
import { checkReconcileTotals, emptyReconcileTotals } from './check-reconcile-totals.ts';
import { countReconciliation } from './diff-reconciliation.ts';
import { ownOrgIds, planWebexViews } from './plan-webex-views.ts';
import { streamViewLines } from './stream-reconciliation.ts';

/**
 * Compares every partner's ledger with what Webex lists now, streamed view by view and customer
 * by customer: writes reconciliation.csv as the lines come, fills summary.reconcile, keeps the
 * lines that are not in sync for the report, and raises `drift` and `orphans` attention. Checks
 * that the counts add up and fails the run when they do not. Read-only: it lists customers and
 * subscribers, and changes neither Webex nor the ledger (so `--dry-run` does the same). A partner
 * whose token is refused is noted and the others go on.
 */
export async function runReconcile(ctx: RunContext, targets: WebexTargets): Promise<void> {
  const inLedger = await listPartnerIds(ctx.db);
  // Configured partners without a sheet yet still have a Webex that may hold orphans.
  const partners = [...new Set([...inLedger, ...Object.keys(ctx.config.partners)])];
  const reportDir = path.join(ctx.config.home, 'reports', ctx.runId);
  const kept: ReconcileLine[] = [];
  const all: ReconcileCounts[] = [];
  const failures: string[] = [];

  async function* lines(): AsyncGenerator<ReconcileLine> {
    for (const view of planWebexViews(ctx.config, partners)) {
      if (ctx.signal.aborted) return;
      const reported = view.partners.filter((p) => !ctx.partnerFilter || p === ctx.partnerFilter);
      if (reported.length === 0) continue;
      const names = view.partners.join(', ');
      // Every partner of a view lists the same records: any one of them may ask.
      const target = targets.portFor(reported[0] as string);
      if (!target.port) {
        ctx.tally.notes.push(`${target.error}; not reconciled`);
        ctx.log.error(target.error, { partner: names });
        continue;
      }
      const ledger = [];
      for (const partner of view.partners) {
        ledger.push({
          id: partner,
          reported: reported.includes(partner),
          ownOrgIds: ownOrgIds(ctx.config, partner),
          customers: await loadCustomers(ctx.db, partner),
        });
      }
      const totals = emptyReconcileTotals(reported.length === view.partners.length);
      // Progress: the list pages read so far (one request each), while the lists come in.
      const port = target.port;
      const task = `reconcile ${names}`;
      const from = port.stats?.requests ?? 0;
      const figures = {
        unit: 'pages',
        total: null,
        get done() {
          return (port.stats?.requests ?? 0) - from;
        },
      };
      const tick = setInterval(() => ctx.progress?.show(task, figures), 500);
      ctx.progress?.show(task, figures);
      try {
        for await (const line of streamViewLines(
          ctx.db,
          target.port,
          { partners: ledger },
          totals,
          { signal: ctx.signal },
        )) {
          yield redact(line, ctx.config.secrets) as ReconcileLine;
        }
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        const note = `partner ${names}: Webex refused its token; not reconciled (${err.info.description}, tracking id ${err.info.trackingId ?? 'none'})`;
        ctx.tally.notes.push(note);
        ctx.log.error(note, { partner: names });
        continue;
      } finally {
        clearInterval(tick);
        ctx.progress?.end(task);
      }
      if (ctx.signal.aborted) return;
      const wrong = checkReconcileTotals(totals);
      if (wrong !== null) failures.push(`partner ${names}: ${wrong}`);
      all.push(totals.counts);
      ctx.log.info(
        `reconciled ${totals.ledger} ledger customer(s) and subscriber(s) against ${totals.webex ?? 'the'} Webex record(s)`,
        { partner: names, reconcile: totals.counts },
      );
    }
  }
  async function* tallied(): AsyncGenerator<ReconcileLine> {
    for await (const line of lines()) {
      // The report shows what differs; reconciliation.csv has every line.
      if (line.category !== 'inSync') kept.push(line);
      yield line;
    }
  }
  await mkdir(reportDir, { recursive: true });
  await writeReconciliationCsv(
    path.join(reportDir, RECONCILE_FILES.reconciliation),
    tallied(),
    ctx.config.reportLocale,
  );
  if (failures.length > 0) throw new Error(failures.join('; '));
  ctx.tally.reconcile = sumCounts(all);
  ctx.tally.reconciliation = kept;
  raiseAttention(ctx, kept);
  // Contract §6: a run that reconciled also lists today's deprovisioning candidates (R-RPL-5).
  await writeDeprovisionCandidatesCsv(
    reportDir,
    await readDeprovisionCandidates(ctx.db, ctx.config, ctx.partnerFilter, ctx.clock.now()),
    ctx.config.reportLocale,
  );
}

function sumCounts(all: readonly ReconcileCounts[]): ReconcileCounts {
  const sum = countReconciliation([]);
  for (const c of all)
    for (const k of Object.keys(sum) as (keyof ReconcileCounts)[]) sum[k] += c[k];
  return sum;
}

/** Contract §4: drift and orphans found by reconcile need a person (status attention, exit 1). */
function raiseAttention(ctx: RunContext, lines: readonly ReconcileLine[]): void {
  const per = new Map<string, { drift: number; orphans: number }>();
  for (const line of lines) {
    const c = per.get(line.partner) ?? { drift: 0, orphans: 0 };
    // A line whose sheet change is still on its way (a 2560 retried next run, a change pending)
    // is the pipeline's to finish, not a person's.
    if (line.category === 'drifted' && !line.pendingChange) c.drift += 1;
    if (line.category === 'orphansInWebex') c.orphans += 1;
    per.set(line.partner, c);
  }
  for (const [partner, c] of per) {
    if (c.drift > 0) {
      addAttention(ctx.tally.attention, {
        kind: 'drift',
        partner,
        count: c.drift,
        message: `${c.drift} customer(s) or subscriber(s) of partner ${partner} differ in Webex from the sheets: see reconciliation.csv, field by field, and resend the sheet or correct Webex.`,
      });
    }
    if (c.orphans > 0) {
      addAttention(ctx.tally.attention, {
        kind: 'orphans',
        partner,
        count: c.orphans,
        message: `${c.orphans} customer(s) or subscriber(s) in the Webex of partner ${partner} are in no sheet: see reconciliation.csv; add them to a sheet or remove them in Webex.`,
      });
    }
  }
}

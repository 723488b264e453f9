import path from 'node:path';
import type { ReconcileLine } from '../reports/index.ts';
import { readDeprovisionCandidates, writeDeprovisionCandidatesCsv } from '../rpl/index.ts';
import type { RunContext } from '../runs/context.ts';
import { listPartnerIds, loadCustomers, loadSubscribers } from '../store/index.ts';
import { AuthError, type WebexTargets } from '../webex/index.ts';
import {
  countReconciliation,
  diffReconciliation,
  type LedgerPartner,
  type ReconcileInput,
} from './diff-reconciliation.ts';
import { ownOrgIds, planWebexViews } from './plan-webex-views.ts';

/**
 * Compares every partner's ledger with what Webex lists now and fills summary.reconcile and the
 * lines of reconciliation.csv. Read-only: it lists customers and subscribers, and changes neither
 * Webex nor the ledger (so `--dry-run` does the same). A partner whose token is refused is noted and
 * the others go on.
 */
export async function runReconcile(ctx: RunContext, targets: WebexTargets): Promise<void> {
  const inLedger = await listPartnerIds(ctx.db);
  // Configured partners without a sheet yet still have a Webex that may hold orphans.
  const partners = [...new Set([...inLedger, ...Object.keys(ctx.config.partners)])];
  const lines: ReconcileLine[] = [];
  for (const view of planWebexViews(ctx.config, partners)) {
    if (ctx.signal.aborted) break;
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
    let webex: ReconcileInput['webex'];
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
      const [customers, subscribers] = await Promise.all([
        port.listCustomers(),
        port.listSubscribers(),
      ]);
      webex = { customers, subscribers };
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
    const ledger: LedgerPartner[] = [];
    for (const partner of view.partners) {
      ledger.push({
        id: partner,
        reported: reported.includes(partner),
        ownOrgIds: ownOrgIds(ctx.config, partner),
        customers: await loadCustomers(ctx.db, partner),
        subscribers: await loadSubscribers(ctx.db, partner),
      });
    }
    const viewLines = diffReconciliation({ partners: ledger, webex });
    lines.push(...viewLines);
    const counts = countReconciliation(viewLines);
    ctx.log.info(
      `reconciled ${webex.customers.length} customer(s) and ${webex.subscribers.length} subscriber(s) listed by Webex`,
      { partner: names, reconcile: counts },
    );
  }
  ctx.tally.reconcile = countReconciliation(lines);
  ctx.tally.reconciliation = lines;
  // Contract §6: a run that reconciled also lists today's deprovisioning candidates (R-RPL-5).
  await writeDeprovisionCandidatesCsv(
    path.join(ctx.config.home, 'reports', ctx.runId),
    await readDeprovisionCandidates(ctx.db, ctx.config, ctx.partnerFilter, ctx.clock.now()),
    ctx.config.reportLocale,
  );
}

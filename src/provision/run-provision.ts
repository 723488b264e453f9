import type { RunContext } from '../runs/context.ts';
import { AuthError, type WebexTargets } from '../webex/index.ts';
import { writeResultsFiles } from '../ingest/index.ts';
import { renderRowMessage } from '../rules/index.ts';
import {
  completedOutcomes,
  changesByKey,
  failedChanges,
  filesWithResultsSince,
  openChangeEntities,
  readRowSource,
} from '../store/index.ts';
import type { ChangeCounts } from '../reports/summary.ts';
import { applyProvisioning } from './apply.ts';

/** Sends every partner's staged changes; a partner whose token fails stops alone. */
export async function runProvision(ctx: RunContext, targets: WebexTargets): Promise<void> {
  const startedAt = ctx.clock.now().toISOString();
  const partners = (await ctx.db('partners').orderBy('id').pluck('id')) as string[];
  // A dry run may plan partners the import saw but did not stage.
  for (const d of [
    ...(ctx.dryRunDesired?.customers ?? []),
    ...(ctx.dryRunDesired?.subscribers ?? []),
  ])
    if (!partners.includes(d.partnerId)) partners.push(d.partnerId);
  for (const partner of partners) {
    if (ctx.partnerFilter && partner !== ctx.partnerFilter) continue;
    if (ctx.signal.aborted) break;
    const target = targets.portFor(partner);
    if (!target.port) {
      ctx.tally.notes.push(target.error);
      ctx.log.error(target.error, { partner });
      continue;
    }
    let planned = { customer: 0, subscriber: 0, waiting: 0, refused: [] as string[] };
    try {
      const plans = await applyProvisioning(ctx, partner, target.port);
      planned = {
        customer: plans.customers.customers.unchanged,
        subscriber: plans.subscribers.subscribers.unchanged,
        waiting: plans.subscribers.subscribers.waiting,
        refused: [...plans.customers.customers.refused, ...plans.subscribers.subscribers.refused],
      };
      const c = plans.customers.customers;
      ctx.log.info(
        `planned ${c.changes.length} customer change(s), ${c.unchanged} unchanged, ${c.inFlight} in flight`,
        { partner },
      );
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      const note = `partner ${partner}: Webex refused its token; its work stopped (${err.info.description}, tracking id ${err.info.trackingId ?? 'none'})`;
      ctx.tally.notes.push(note);
      ctx.log.error(note, { partner });
    }
    if (!ctx.dryRun) await tallyPartner(ctx, partner, planned);
  }
  // Partners see what became of each row in their results files.
  if (!ctx.dryRun) await writeResultsFiles(ctx, await filesWithResultsSince(ctx.db, startedAt));
}

/**
 * The run's counts from the ledger, so changes other workers completed for this run count too:
 * each change the run completed is created, updated, deleted, failed or pending (2560); a change
 * still open, or a subscriber waiting for its customer, is pending.
 */
async function tallyPartner(
  ctx: RunContext,
  partner: string,
  planned: {
    customer: number;
    subscriber: number;
    waiting: number;
    /** Idempotency keys of changes refused in an earlier run and not sent again. */
    refused: string[];
  },
): Promise<void> {
  const counts: Record<'customer' | 'subscriber', ChangeCounts> = {
    customer: zero(),
    subscriber: zero(),
  };
  for (const r of await completedOutcomes(ctx.db, partner, ctx.runId))
    counts[r.entity][r.outcome] += r.n;
  // Changes refused in an earlier run and not sent again are still failed until the sheet changes
  // the row: counted, and listed with Webex's words again.
  const refusedBefore = await changesByKey(ctx.db, partner, planned.refused);
  for (const change of refusedBefore) counts[change.entity].failed += 1;
  counts.customer.unchanged += planned.customer;
  counts.subscriber.unchanged += planned.subscriber;
  counts.customer.pending += (await openChangeEntities(ctx.db, partner, 'customer')).size;
  counts.subscriber.pending +=
    (await openChangeEntities(ctx.db, partner, 'subscriber')).size + planned.waiting;
  ctx.tally.customers = add(ctx.tally.customers, counts.customer);
  ctx.tally.subscribers = add(ctx.tally.subscribers, counts.subscriber);

  for (const change of [...(await failedChanges(ctx.db, partner, ctx.runId)), ...refusedBefore]) {
    const source = change.sourceRowId ? await readRowSource(ctx.db, change.sourceRowId) : null;
    ctx.tally.issues.push({
      partner,
      file: source?.file ?? null,
      sheet: source?.sheet || null,
      row: source?.row ?? null,
      column: null,
      value: change.entityKey,
      code: 'API_REJECTED',
      message: renderRowMessage(
        'API_REJECTED',
        {
          description: change.errorMessage ?? '',
          errorCode: change.errorCode ?? '',
          trackingId: change.trackingId ?? '',
        },
        ctx.config.reportLocale,
        source?.row ?? null,
        null,
      ),
    });
  }
}

const zero = (): ChangeCounts => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  deleted: 0,
  failed: 0,
  pending: 0,
});

const add = (a: ChangeCounts, b: ChangeCounts): ChangeCounts => ({
  created: a.created + b.created,
  updated: a.updated + b.updated,
  unchanged: a.unchanged + b.unchanged,
  deleted: a.deleted + b.deleted,
  failed: a.failed + b.failed,
  pending: a.pending + b.pending,
});

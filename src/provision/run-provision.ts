import type { RunContext } from '../runs/context.ts';
import { AuthError, type WebexTargets } from '../webex/index.ts';
import { reportIssue, rewriteResultsFiles } from '../results/index.ts';
import {
  changesByKey,
  completedOutcomes,
  listPartnerIds,
  countEntities,
  failedChanges,
  fillRowResults,
  completedChangeOf,
  openChangeEntities,
  readRowSource,
} from '../store/index.ts';
import { addAttention, type ChangeCounts } from '../reports/index.ts';
import { applyProvisioning, readPlan } from './apply.ts';
import type { DryRunDesired } from './dry-run.ts';
import type { ProvisioningPlan } from './plan.ts';
import { noteTemplateWait, waitingForTemplate } from './template-wait.ts';

/** Why a partner's changes were not all sent this run: each needs a person to know. */
type Stopped = { kind: 'token_refused' | 'partner_unreachable'; why: string } | null;

/**
 * Sends every partner's staged changes; a partner whose token fails stops alone. Every partner's
 * entities are counted at the end whatever happened (a stop, a refused token): each ends the run
 * in exactly one outcome, and what was left unsent is an attention item.
 */
export async function runProvision(
  ctx: RunContext,
  targets: WebexTargets | null,
  imported?: DryRunDesired,
  opts: { resultsSince?: string } = {},
): Promise<void> {
  const startedAt = opts.resultsSince ?? ctx.clock.now().toISOString();
  const partners = await listPartnerIds(ctx.db);
  // A dry run may plan partners the import saw but did not stage.
  for (const d of [...(imported?.customers ?? []), ...(imported?.subscribers ?? [])])
    if (!partners.includes(d.partnerId)) partners.push(d.partnerId);
  for (const partner of partners) {
    if (ctx.partnerFilter && partner !== ctx.partnerFilter) continue;
    const stopped =
      ctx.signal.aborted || !targets
        ? null
        : await provisionPartner(ctx, partner, targets, imported);
    if (!ctx.dryRun) await tallyPartner(ctx, partner, stopped);
  }
  // Partners see what became of each row in their results files: the files whose rows got a
  // result, and (from a nightly's start) the files its import read, whose results it left to here.
  if (!ctx.dryRun) await rewriteResultsFiles(ctx, startedAt);
}

/** Plans and sends one partner's changes; says why it stopped early, if it did. */
async function provisionPartner(
  ctx: RunContext,
  partner: string,
  targets: WebexTargets,
  imported: DryRunDesired | undefined,
): Promise<Stopped> {
  const target = targets.portFor(partner);
  if (!target.port) {
    ctx.tally.notes.push(target.error);
    ctx.log.error(target.error, { partner });
    return { kind: 'partner_unreachable', why: target.error };
  }
  try {
    const plans = await applyProvisioning(ctx, partner, target.port, imported);
    const c = plans?.customers.customers;
    if (c)
      ctx.log.info(
        `planned ${c.changes.length} customer change(s), ${c.unchanged} unchanged, ${c.inFlight} in flight`,
        { partner },
      );
    return null;
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    const why = `Webex refused its token (${err.info.description}, tracking id ${err.info.trackingId ?? 'none'})`;
    const note = `partner ${partner}: ${why}; its work stopped`;
    ctx.tally.notes.push(note);
    ctx.log.error(note, { partner });
    return { kind: 'token_refused', why };
  }
}

/**
 * The run's counts from the ledger, so changes other workers completed for this run count too.
 * Each of the partner's customers and subscribers ends the run in exactly one outcome: the outcome
 * of its change the run completed; pending while a change is open; else what the closing plan says
 * (unchanged, failed when Webex refused this very change before, pending when a change is due and
 * was not sent). The sum is checked against the ledger: counts that do not add up fail the run.
 */
async function tallyPartner(ctx: RunContext, partner: string, stopped: Stopped): Promise<void> {
  const counts: Record<'customer' | 'subscriber', ChangeCounts> = {
    customer: zero(),
    subscriber: zero(),
  };
  for (const r of await completedOutcomes(ctx.db, partner, ctx.runId))
    counts[r.entity][r.outcome] += r.n;
  const open = {
    customer: (await openChangeEntities(ctx.db, partner, 'customer')).size,
    subscriber: (await openChangeEntities(ctx.db, partner, 'subscriber')).size,
  };
  counts.customer.pending += open.customer;
  counts.subscriber.pending += open.subscriber;
  const plan = await readPlan(ctx, partner, { closing: true });
  // Changes refused in an earlier run and not sent again are still failed until the sheet changes
  // the row: counted, and listed with Webex's words again.
  const refusedBefore = await changesByKey(ctx.db, partner, [
    ...plan.customers.refused,
    ...plan.subscribers.refused,
  ]);
  for (const entity of ['customer', 'subscriber'] as const) {
    const p = entity === 'customer' ? plan.customers : plan.subscribers;
    counts[entity].unchanged += p.unchanged;
    counts[entity].failed += p.refused.length;
    counts[entity].pending += p.changes.length + p.waiting;
  }
  await assertCountsAddUp(ctx, partner, counts);
  await settleRows(ctx, partner, plan);
  ctx.tally.customers = add(ctx.tally.customers, counts.customer);
  ctx.tally.subscribers = add(ctx.tally.subscribers, counts.subscriber);

  const unsent = plan.customers.changes.length + plan.subscribers.changes.length;
  if (stopped?.kind === 'token_refused' || stopped?.kind === 'partner_unreachable')
    addAttention(ctx.tally.attention, {
      kind: stopped.kind,
      partner,
      count: unsent + open.customer + open.subscriber,
      message: `${stopped.why}: ${unsent + open.customer + open.subscriber} change(s) wait to be sent. Fix the partner's token or Webex settings; the next run sends them.`,
    });
  else if (ctx.signal.aborted && unsent + open.customer + open.subscriber > 0)
    addAttention(ctx.tally.attention, {
      kind: 'unsent_changes',
      partner,
      count: unsent + open.customer + open.subscriber,
      message: `the run was stopped with ${unsent + open.customer + open.subscriber} change(s) not sent or not yet confirmed; the next run goes on with them.`,
    });

  noteTemplateWait(ctx, partner, waitingForTemplate(ctx.config, partner, plan.customers.changes));

  for (const change of [...(await failedChanges(ctx.db, partner, ctx.runId)), ...refusedBefore]) {
    const source = change.sourceRowId ? await readRowSource(ctx.db, change.sourceRowId) : null;
    ctx.tally.issues.push(
      reportIssue(
        {
          partner,
          file: source?.file ?? null,
          sheet: source?.sheet || null,
          row: source?.row ?? null,
          kind: change.entity === 'customer' ? 'customers' : 'subscribers',
          column: null,
          value: change.entityKey,
          code: 'API_REJECTED',
          params: {
            description: change.errorMessage ?? '',
            errorCode: change.errorCode ?? '',
            trackingId: change.trackingId ?? '',
          },
        },
        ctx.config.reportLocale,
      ),
    );
  }
}

/**
 * The rows of the entities the closing plan counts say so in their results file as well: a row
 * without a result yet (a user waiting for its customer's RPL review, a change not sent because
 * the run stopped, a row identical to what Webex has) gets pending, unchanged, or failed with the
 * refusal Webex gave the very same change before. Before, they stayed "accepted" for ever.
 */
async function settleRows(ctx: RunContext, partner: string, plan: ProvisioningPlan): Promise<void> {
  const at = ctx.clock.now().toISOString();
  const refusedBefore = await changesByKey(ctx.db, partner, [
    ...plan.customers.rows.refused.map((r) => r.key),
    ...plan.subscribers.rows.refused.map((r) => r.key),
  ]);
  const none = { code: null, message: null, trackingId: null, at };
  for (const p of [plan.customers, plan.subscribers]) {
    await fillRowResults(ctx.db, p.rows.unchanged, { ...none, result: 'unchanged' });
    await fillRowResults(ctx.db, p.rows.pending, { ...none, result: 'pending' });
    // A newer row asking for what this run's change applied ends with that change's outcome.
    for (const { row, entity, entityId } of p.rows.settled) {
      const done = await completedChangeOf(ctx.db, entity, entityId, ctx.runId);
      const result = done?.outcome;
      if (
        result === 'created' ||
        result === 'updated' ||
        result === 'deleted' ||
        result === 'unchanged'
      )
        await fillRowResults(ctx.db, [row], {
          ...none,
          result,
          webexId: done?.webexId ?? null,
          trackingId: done?.trackingId ?? null,
        });
    }
    for (const { row, key } of p.rows.refused) {
      const refused = refusedBefore.find((c) => c.idempotencyKey === key);
      const message = {
        template: 'API_REJECTED',
        params: {
          description: refused?.errorMessage ?? '',
          errorCode: refused?.errorCode ?? '',
          trackingId: refused?.trackingId ?? '',
        },
      };
      await fillRowResults(ctx.db, [row], {
        result: 'failed',
        code: 'API_REJECTED',
        message,
        trackingId: refused?.trackingId ?? null,
        at,
      });
    }
  }
}

/** Counts that do not add up: some change was counted twice or not at all. The run fails. */
export class CountsMismatchError extends Error {
  override readonly name = 'CountsMismatchError';
}

/** Every customer and subscriber of the partner in exactly one outcome, or the run fails loudly. */
async function assertCountsAddUp(
  ctx: RunContext,
  partner: string,
  counts: Record<'customer' | 'subscriber', ChangeCounts>,
): Promise<void> {
  const held = await countEntities(ctx.db, partner);
  for (const entity of ['customer', 'subscriber'] as const) {
    const c = counts[entity];
    const sum = c.created + c.updated + c.unchanged + c.deleted + c.failed + c.pending;
    if (sum !== held[entity])
      throw new CountsMismatchError(
        `the run's counts do not add up for partner ${partner}: ${held[entity]} ${entity}(s) in the ledger, ${sum} counted (${JSON.stringify(c)}); nothing was lost, but the report would not tell the truth, so the run fails: please report it`,
      );
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

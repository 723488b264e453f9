import { hashDesired, renderRowMessage } from '../rules/index.ts';
import type { RunContext } from '../runs/context.ts';
import type { ChangeCounts } from '../reports/summary.ts';
import {
  claimChanges,
  enqueueChanges,
  finishAwaiting,
  listAwaiting,
  loadCustomers,
  loadSubscribers,
  observeRplStatus,
  openChangeEntities,
  openRplCheck,
  readRowSource,
  recordChange,
  setRowResult,
  updateWebexState,
  type Change,
  type ChangeEntity,
  type ChangeOutcome,
  type ChangePatch,
} from '../store/index.ts';
import {
  AuthError,
  FINAL_CUSTOMER_STATUSES,
  OutcomeUnknownError,
  PermanentError,
  WebexCallError,
  type CustomerBody,
  type SubscriberBody,
  type WebexCustomer,
  type WebexPort,
} from '../webex/index.ts';
import { planProvisioning, type ProvisioningPlan } from './plan.ts';

/** How many changes one claim takes; the client's limiter, not this, sets the pace. */
export const CLAIM_BATCH = 100;
/** Lookups and resends of a change whose outcome is unknown, within one run. */
export const MAX_UNKNOWN_ATTEMPTS = 5;
/** How long a claim is ours before another worker may take it over. */
export const CLAIM_LEASE_MS = 5 * 60_000;

interface PartnerRun {
  ctx: RunContext;
  partner: string;
  port: WebexPort;
  counts: Record<ChangeEntity, ChangeCounts>;
}

/** Plans, then sends one partner's changes: customers, their final states, then subscribers. */
export async function applyProvisioning(
  ctx: RunContext,
  partner: string,
  port: WebexPort,
): Promise<ProvisioningPlan> {
  const run: PartnerRun = { ctx, partner, port, counts: { customer: zero(), subscriber: zero() } };
  const first = await planFor(ctx, partner);
  if (ctx.dryRun) {
    addPlanToTally(ctx, first);
    return first;
  }
  const now = () => ctx.clock.now().toISOString();
  await enqueueChanges(ctx.db, first.customers.changes, now());
  await drain(run, 'customer');
  await followCustomers(run);

  // Subscribers are planned after customers moved: only provisioned customers take them.
  const second = await planFor(ctx, partner);
  await enqueueChanges(ctx.db, second.subscribers.changes, now());
  await drain(run, 'subscriber');
  await followSubscribers(run);

  const open = {
    customer: (await openChangeEntities(ctx.db, partner, 'customer')).size,
    subscriber: (await openChangeEntities(ctx.db, partner, 'subscriber')).size,
  };
  const c = run.counts.customer;
  const s = run.counts.subscriber;
  c.unchanged += first.customers.unchanged;
  c.pending += open.customer;
  s.unchanged += second.subscribers.unchanged;
  s.pending += open.subscriber + second.subscribers.waiting;
  ctx.tally.customers = add(ctx.tally.customers, c);
  ctx.tally.subscribers = add(ctx.tally.subscribers, s);
  return first;
}

async function planFor(ctx: RunContext, partner: string): Promise<ProvisioningPlan> {
  const [customers, subscribers, openCustomers, openSubscribers] = await Promise.all([
    loadCustomers(ctx.db, partner),
    loadSubscribers(ctx.db, partner),
    openChangeEntities(ctx.db, partner, 'customer'),
    openChangeEntities(ctx.db, partner, 'subscriber'),
  ]);
  return planProvisioning({
    partner,
    runId: ctx.runId,
    customers,
    subscribers,
    openCustomers,
    openSubscribers,
  });
}

function addPlanToTally(ctx: RunContext, plan: ProvisioningPlan): void {
  const all = [...plan.customers.changes, ...plan.subscribers.changes];
  const prev = ctx.tally.plan ?? { create: 0, update: 0, delete: 0, unchanged: 0 };
  ctx.tally.plan = {
    create: prev.create + all.filter((c) => c.action === 'create').length,
    update: prev.update + all.filter((c) => c.action === 'update').length,
    delete: prev.delete + all.filter((c) => c.action === 'delete').length,
    unchanged: prev.unchanged + plan.customers.unchanged + plan.subscribers.unchanged,
  };
}

/** Claims and sends changes until none is ready; unknown outcomes are looked up and retried a few times. */
async function drain(run: PartnerRun, entity: ChangeEntity): Promise<void> {
  const { ctx } = run;
  for (let idle = 0; idle < MAX_UNKNOWN_ATTEMPTS && !ctx.signal.aborted;) {
    const now = ctx.clock.now();
    const claimed = await claimChanges(ctx.db, {
      partner: run.partner,
      entity,
      owner: ctx.runId,
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + CLAIM_LEASE_MS).toISOString(),
      limit: CLAIM_BATCH,
      // This run holds the run lock: a change left in flight by anyone else is a crashed run's.
      exclusive: true,
    });
    if (claimed.length === 0) {
      const waiting = await retryableUnknown(run, entity);
      if (!waiting) return;
      idle += 1;
      await sleep(1000 * idle, ctx.signal);
      continue;
    }
    await Promise.all(claimed.map((change) => sendChange(run, change)));
  }
}

async function retryableUnknown(run: PartnerRun, entity: ChangeEntity): Promise<boolean> {
  const rows = (await run.ctx
    .db('changes')
    .where({ partner_id: run.partner, entity, status: 'unknown' })
    .where('attempt', '<', MAX_UNKNOWN_ATTEMPTS)
    .count({ n: '*' })) as { n: number | string }[];
  return Number(rows[0]?.n ?? 0) > 0;
}

async function sendChange(run: PartnerRun, change: Change): Promise<void> {
  const { ctx, port } = run;
  const now = () => ctx.clock.now().toISOString();
  try {
    if (change.entity === 'customer') {
      if (change.action === 'create') {
        // After an unknown outcome the customer may exist: look it up before any resend (domain §3).
        const existing =
          change.status === 'unknown'
            ? (await port.listCustomers({ externalId: change.entityKey }))[0]
            : undefined;
        const accepted = existing
          ? { id: existing.id, trackingId: null }
          : await port.createCustomer(change.payload as CustomerBody);
        await recordChange(
          ctx.db,
          change,
          { status: 'awaiting', webexId: accepted.id, trackingId: accepted.trackingId },
          now(),
        );
        await updateWebexState(ctx.db, 'customer', change.entityId, {
          webexId: accepted.id,
          webexStatus: existing?.status ?? 'provisioning',
          seenAt: now(),
        });
        const desired = (change.payload as CustomerBody).address;
        // R-RPL-1: every customer create opens an RPL check; it never blocks provisioning (R-RPL-2).
        await openRplCheck(ctx.db, {
          partner: run.partner,
          customerId: change.entityId,
          trigger: 'create',
          addressHash: hashDesired(desired),
          status: existing?.status ?? 'provisioning',
          at: now(),
          runId: ctx.runId,
        });
      } else {
        const webexId = await customerWebexId(run, change.entityId);
        const accepted =
          change.action === 'update'
            ? await port.updateCustomer(
                webexId,
                change.payload as Parameters<WebexPort['updateCustomer']>[1],
              )
            : await port.deleteCustomer(webexId);
        await recordChange(
          ctx.db,
          change,
          { status: 'awaiting', webexId, trackingId: accepted.trackingId },
          now(),
        );
      }
      return;
    }
    const body = change.payload as SubscriberBody;
    if (change.action === 'create') {
      const existing =
        change.status === 'unknown'
          ? (await port.listSubscribers({ customerId: body.customerId, email: body.email }))[0]
          : undefined;
      const answer = existing
        ? { ...existing, trackingId: null }
        : await port.createSubscriber(body);
      await updateWebexState(ctx.db, 'subscriber', change.entityId, {
        webexId: answer.id,
        webexCustomerId: body.customerId,
        webexStatus: answer.status,
        webexPersonId: answer.personId ?? null,
        state: answer,
        seenAt: now(),
      });
      if (answer.status === 'provisioned') {
        await complete(run, change, {
          status: 'done',
          outcome: 'created',
          webexId: answer.id,
          trackingId: answer.trackingId,
        });
        await updateWebexState(ctx.db, 'subscriber', change.entityId, {
          appliedHash: change.desiredHash,
          seenAt: now(),
        });
      } else {
        // pending_user_migration: the user has to consent; followed on later runs.
        await recordChange(
          ctx.db,
          change,
          { status: 'awaiting', webexId: answer.id, trackingId: answer.trackingId },
          now(),
        );
      }
      return;
    }
    const webexId = await subscriberWebexId(run, change.entityId);
    const accepted =
      change.action === 'update'
        ? await port.updateSubscriber(webexId, change.payload as { packages: string[] })
        : await port.deleteSubscriber(webexId);
    await complete(run, change, {
      status: 'done',
      outcome: change.action === 'update' ? 'updated' : 'deleted',
      webexId,
      trackingId: accepted.trackingId,
    });
    await updateWebexState(
      ctx.db,
      'subscriber',
      change.entityId,
      change.action === 'update'
        ? { appliedHash: change.desiredHash, seenAt: now() }
        : { webexId: null, webexStatus: 'deleted', appliedHash: null, seenAt: now() },
    );
  } catch (err) {
    await recordFailure(run, change, err);
  }
}

async function recordFailure(run: PartnerRun, change: Change, err: unknown): Promise<void> {
  const { ctx } = run;
  const now = ctx.clock.now();
  if (err instanceof AuthError) {
    await recordChange(
      ctx.db,
      change,
      { status: 'pending', errorMessage: err.message },
      now.toISOString(),
    );
    throw err;
  }
  if (err instanceof PermanentError) {
    await complete(run, change, {
      status: 'failed',
      outcome: 'failed',
      trackingId: err.info.trackingId,
      errorCode:
        err.info.errorCode !== undefined ? String(err.info.errorCode) : String(err.info.status),
      errorMessage: err.info.description,
    });
    return;
  }
  if (err instanceof OutcomeUnknownError || err instanceof WebexCallError) {
    // Unknown (or retries spent): creates are looked up before any resend; others are safe to resend.
    const status =
      err instanceof OutcomeUnknownError || change.status === 'unknown' ? 'unknown' : 'pending';
    const next = new Date(now.getTime() + 1000 * change.attempt).toISOString();
    ctx.log.warn(`${change.entity} ${change.action} ${change.entityKey}: ${err.message}`, {
      partner: run.partner,
      trackingId: err.info.trackingId,
    });
    await recordChange(
      ctx.db,
      change,
      { status, trackingId: err.info.trackingId, errorMessage: err.message, nextAttemptAt: next },
      now.toISOString(),
    );
    return;
  }
  throw err;
}

/** Polls accepted customer changes until Webex reaches a final state or the run's wait is over. */
async function followCustomers(run: PartnerRun): Promise<void> {
  const { ctx, port } = run;
  const waitMs = ctx.config.webex.waitForProvisionedSeconds * 1000;
  const deadline = Date.now() + waitMs;
  const parked = new Set<number>();
  while (!ctx.signal.aborted) {
    const awaiting = (await listAwaiting(ctx.db, run.partner, 'customer')).filter(
      (c) => !parked.has(c.id),
    );
    if (awaiting.length === 0) return;
    await Promise.all(
      awaiting.map(async (change) => {
        try {
          const customer = await port.getCustomer(change.webexId as string);
          const state = await observeCustomer(run, change, customer);
          if (state === 'parked') parked.add(change.id);
        } catch (err) {
          if (err instanceof AuthError) throw err;
          ctx.log.warn(`following customer ${change.entityKey}: ${(err as Error).message}`, {
            partner: run.partner,
          });
        }
      }),
    );
    if (Date.now() >= deadline) return;
    await sleep(ctx.config.webex.pollSeconds * 1000, ctx.signal);
  }
}

/** Records one observed customer state; 'parked' when it waits on something slower than this run. */
async function observeCustomer(
  run: PartnerRun,
  change: Change,
  customer: WebexCustomer | null,
): Promise<'final' | 'waiting' | 'parked'> {
  const { ctx } = run;
  const now = ctx.clock.now().toISOString();
  if (!customer) {
    if (change.action === 'delete') {
      await finish(run, change, { status: 'done', outcome: 'deleted' });
      await updateWebexState(ctx.db, 'customer', change.entityId, {
        webexId: null,
        webexStatus: 'deleted',
        webexOrgId: null,
        appliedHash: null,
        seenAt: now,
      });
      return 'final';
    }
    await finish(run, change, {
      status: 'failed',
      outcome: 'failed',
      errorCode: '404',
      errorMessage: 'the customer Webex accepted is no longer there',
    });
    return 'final';
  }
  await updateWebexState(ctx.db, 'customer', change.entityId, {
    webexStatus: customer.status,
    webexOrgId: customer.orgId ?? null,
    state: customer,
    seenAt: now,
  });
  await observeRplStatus(ctx.db, change.entityId, customer.status, now, ctx.runId);
  if (customer.status === 'error') {
    const e = customer.errors?.[0];
    await finish(run, change, {
      status: 'failed',
      outcome: 'failed',
      errorCode: e?.errorCode !== undefined ? String(e.errorCode) : 'error',
      errorMessage: e?.description ?? 'Webex could not provision the customer',
    });
    return 'final';
  }
  if (FINAL_CUSTOMER_STATUSES.has(customer.status)) {
    await finish(run, change, {
      status: 'done',
      outcome: change.action === 'create' ? 'created' : 'updated',
    });
    await updateWebexState(ctx.db, 'customer', change.entityId, {
      appliedHash: change.desiredHash,
      seenAt: now,
    });
    return 'final';
  }
  // An RPL review takes minutes to days (R-RPL-3): the run moves on; rpl-recheck follows it.
  return customer.status === 'pending_rpl_review' ? 'parked' : 'waiting';
}

/** One look at subscribers waiting for the user's consent (pending_user_migration). */
async function followSubscribers(run: PartnerRun): Promise<void> {
  for (const change of await listAwaiting(run.ctx.db, run.partner, 'subscriber')) {
    const sub = await run.port.getSubscriber(change.webexId as string);
    if (sub?.status === 'provisioned') {
      await finish(run, change, { status: 'done', outcome: 'created' });
      await updateWebexState(run.ctx.db, 'subscriber', change.entityId, {
        webexStatus: sub.status,
        webexPersonId: sub.personId ?? null,
        appliedHash: change.desiredHash,
        seenAt: run.ctx.clock.now().toISOString(),
      });
    }
  }
}

/** Completes a claimed change and writes the row's result. */
async function complete(run: PartnerRun, change: Change, patch: ChangePatch): Promise<void> {
  const ok = await recordChange(
    run.ctx.db,
    change,
    { ...patch, completedRunId: run.ctx.runId },
    run.ctx.clock.now().toISOString(),
  );
  if (ok) await afterFinish(run, change, patch);
}

/** Completes an awaited change and writes the row's result. */
async function finish(run: PartnerRun, change: Change, patch: ChangePatch): Promise<void> {
  const ok = await finishAwaiting(
    run.ctx.db,
    change.id,
    { ...patch, completedRunId: run.ctx.runId },
    run.ctx.clock.now().toISOString(),
  );
  if (ok) await afterFinish(run, change, patch);
}

async function afterFinish(run: PartnerRun, change: Change, patch: ChangePatch): Promise<void> {
  const { ctx } = run;
  const outcome = patch.outcome as ChangeOutcome;
  run.counts[change.entity][outcome] += 1;
  if (change.sourceRowId === null) return;
  const trackingId = patch.trackingId ?? change.trackingId;
  let message: string | null = null;
  if (outcome === 'failed') {
    const params = {
      description: patch.errorMessage ?? '',
      errorCode: patch.errorCode ?? '',
      trackingId: trackingId ?? '',
    };
    const source = await readRowSource(ctx.db, change.sourceRowId);
    message = renderRowMessage(
      'API_REJECTED',
      params,
      ctx.config.reportLocale,
      source?.row ?? null,
      null,
    );
    ctx.tally.issues.push({
      partner: run.partner,
      file: source?.file ?? null,
      sheet: source?.sheet || null,
      row: source?.row ?? null,
      column: null,
      value: change.entityKey,
      code: 'API_REJECTED',
      message,
    });
  }
  await setRowResult(ctx.db, change.sourceRowId, {
    result: outcome,
    webexId: patch.webexId ?? change.webexId,
    trackingId,
    code: outcome === 'failed' ? 'API_REJECTED' : null,
    message,
    at: ctx.clock.now().toISOString(),
  });
}

async function customerWebexId(run: PartnerRun, customerId: number): Promise<string> {
  const row = (await run.ctx.db('customers').where({ id: customerId }).first('webex_id')) as
    { webex_id: string | null } | undefined;
  if (!row?.webex_id) throw new Error(`customer ${customerId} has no Webex id to change`);
  return row.webex_id;
}

async function subscriberWebexId(run: PartnerRun, subscriberId: number): Promise<string> {
  const row = (await run.ctx.db('subscribers').where({ id: subscriberId }).first('webex_id')) as
    { webex_id: string | null } | undefined;
  if (!row?.webex_id) throw new Error(`subscriber ${subscriberId} has no Webex id to change`);
  return row.webex_id;
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

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}

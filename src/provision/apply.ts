import { wallClock, type Clock } from '../clock/index.ts';
import { partnerConfig, type Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import { hashDesired } from '../rules/index.ts';
import type { RunContext } from '../runs/context.ts';
import {
  claimChanges,
  countInFlight,
  deferAwaiting,
  readCustomerWebexState,
  readSubscriberWebexId,
  enqueueChanges,
  entitiesCompletedInRun,
  refusedChangeKeys,
  finishAwaiting,
  listAwaiting,
  loadCustomers,
  loadSubscribers,
  nextAttemptAt,
  observeRplStatus,
  openChangeEntities,
  openRplCheck,
  recordChange,
  releaseClaim,
  retryGenerations,
  setRowResult,
  updateWebexState,
  type Change,
  type ChangeEntity,
  type ChangePatch,
  type Db,
  type NewChange,
  type ResultMessage,
  type Tx,
} from '../store/index.ts';
import {
  AuthError,
  NotSentError,
  type CustomerBody,
  type CustomerUpdateBody,
  type SubscriberBody,
  type WebexCustomer,
  type WebexPort,
  type WebexSubscriber,
} from '../webex/index.ts';
import { crashAfterSending, crashPoint } from '../faults/index.ts';
import { planProvisioning, type ProvisioningPlan } from './plan.ts';
import { planDryRun, type DryRunDesired } from './dry-run.ts';
import {
  decideChange,
  LookupFailedError,
  type ChangeAnswer,
  type DecidePolicy,
  type EntityEffect,
} from './decide-change.ts';

export { RETRY_LATER_CODE } from './decide-change.ts';

/** How many changes one process holds claimed at most; the client's limiter, not this, sets the pace. */
export const CLAIM_BATCH = 100;
/** Sends of one change within a run after which a run stops waiting for it (later runs go on). */
export const MAX_UNKNOWN_ATTEMPTS = 5;
/** How long a claim is ours at most; a holder whose lease in `leases` is gone loses it sooner. */
export const CLAIM_LEASE_MS = 5 * 60_000;
/** How often a customer under RPL review is looked at: minutes, not seconds (R-RPL-3). */
export const RPL_POLL_MS = 5 * 60_000;
/** A run waits this long at most for a change's next attempt before leaving it to a later run. */
const MAX_IDLE_WAIT_MS = 10_000;

/** What sending changes needs: a run, or a worker working for a run. */
export interface Engine {
  db: Db;
  config: Config;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  /** Who claims: the run id, or a worker's id (each holds a live lease while it works). */
  owner: string;
  /** The run the outcomes belong to (completed_run_id). */
  runId: string;
  /** Called when a claimed change has been sent (or given back), for progress. */
  onSent?: () => void;
}

/** The engine of a run: the run claims under its own id. */
export function runEngine(ctx: RunContext): Engine {
  return {
    db: ctx.db,
    config: ctx.config,
    clock: ctx.clock,
    log: ctx.log,
    signal: ctx.signal,
    owner: ctx.runId,
    runId: ctx.runId,
  };
}

/**
 * Plans, then sends one partner's changes: subscriber deletes, customers (followed to a final
 * state), then subscribers of provisioned customers. Returns the plans whose `unchanged` counts.
 * A dry run only plans (planDryRun), with the rows its import accepted (`imported`); it returns null.
 */
export async function applyProvisioning(
  ctx: RunContext,
  partner: string,
  port: WebexPort,
  imported?: DryRunDesired,
): Promise<{ customers: ProvisioningPlan; subscribers: ProvisioningPlan } | null> {
  if (ctx.dryRun) return planDryRun(ctx, partner, imported).then(() => null);
  const task = `provision ${partner}`;
  const meter = { done: 0, total: 0 };
  // Read when shown: the periodic line also counts the requests made while following.
  const figures = {
    unit: 'changes',
    get done() {
      return meter.done;
    },
    get total() {
      return meter.total;
    },
    get requests() {
      return port.stats?.requests ?? 0;
    },
    get rateLimited() {
      return port.stats?.rateLimited ?? 0;
    },
  };
  const show = () => ctx.progress?.show(task, figures);
  const eng: Engine = {
    ...runEngine(ctx),
    onSent: () => {
      meter.done += 1;
      show();
    },
  };
  const now = () => ctx.clock.now().toISOString();
  const enqueue = async (engine: Engine, changes: NewChange[], at: string) => {
    meter.total += changes.length;
    show();
    await enqueueAll(engine, changes, at);
  };
  try {
    return await sendPlanned(ctx, partner, port, eng, enqueue, now);
  } finally {
    ctx.progress?.end(task);
  }
}

/** The three sends of applyProvisioning, in their order. */
async function sendPlanned(
  ctx: RunContext,
  partner: string,
  port: WebexPort,
  eng: Engine,
  enqueue: (eng: Engine, changes: NewChange[], now: string) => Promise<void>,
  now: () => string,
): Promise<{ customers: ProvisioningPlan; subscribers: ProvisioningPlan }> {
  // Subscribers leave before their customer does.
  const first = await readPlan(ctx, partner);
  await enqueue(
    eng,
    first.subscribers.changes.filter((c) => c.action === 'delete'),
    now(),
  );
  await drain(eng, partner, port, 'subscriber', { untilSettled: true });
  await followSubscribers(eng, partner, port);

  const customers = await readPlan(ctx, partner);
  await enqueue(eng, withTemplates(ctx.config, partner, customers.customers.changes), now());
  await drain(eng, partner, port, 'customer', { untilSettled: true });
  await followCustomers(eng, partner, port);

  // Subscribers are planned after customers moved: only provisioned customers take them.
  const subscribers = await readPlan(ctx, partner);
  await enqueue(eng, subscribers.subscribers.changes, now());
  await drain(eng, partner, port, 'subscriber', { untilSettled: true });
  await followSubscribers(eng, partner, port);
  return { customers, subscribers };
}

async function enqueueAll(eng: Engine, changes: NewChange[], now: string): Promise<void> {
  await enqueueChanges(eng.db, changes, now);
}

/**
 * Reads the ledger and the outbox and plans from them. `closing`: the run's last look, for its
 * counts: entities whose change the run completed are left to those outcomes.
 */
export async function readPlan(
  ctx: RunContext,
  partner: string,
  opts: { closing?: boolean } = {},
): Promise<ProvisioningPlan> {
  const [
    customers,
    subscribers,
    openCustomers,
    openSubscribers,
    settledSubscribers,
    retries,
    refusedKeys,
    settledCustomers,
  ] = await Promise.all([
    loadCustomers(ctx.db, partner),
    loadSubscribers(ctx.db, partner),
    openChangeEntities(ctx.db, partner, 'customer'),
    openChangeEntities(ctx.db, partner, 'subscriber'),
    // Deleted or followed to the end earlier in this run: not "unchanged" as well.
    entitiesCompletedInRun(ctx.db, partner, 'subscriber', ctx.runId),
    retryGenerations(ctx.db, partner, 'customer'),
    refusedChangeKeys(ctx.db, partner),
    opts.closing
      ? entitiesCompletedInRun(ctx.db, partner, 'customer', ctx.runId)
      : Promise.resolve(undefined),
  ]);
  return planProvisioning({
    partner,
    runId: ctx.runId,
    customers,
    subscribers,
    openCustomers,
    openSubscribers,
    settledSubscribers,
    ...(settledCustomers ? { settledCustomers } : {}),
    retries,
    refusedKeys,
  });
}

/**
 * Claims and sends changes until none is ready. Claims are topped up while earlier ones are still
 * being sent, so the limiter never idles between batches. With `untilSettled`, it also waits for
 * changes other workers hold and for retries due soon; without, it returns when nothing is ready.
 */
export async function drain(
  eng: Engine,
  partner: string,
  port: WebexPort,
  entity: ChangeEntity,
  opts: { untilSettled: boolean },
): Promise<number> {
  const active = new Set<Promise<void>>();
  let sent = 0;
  let lastShort = 0;
  const failed: { error: Error | null } = { error: null };
  for (;;) {
    if (failed.error) break;
    const room = CLAIM_BATCH - active.size;
    const recentlyShort = active.size > 0 && eng.clock.nowMs() - lastShort < 500;
    if (!eng.signal.aborted && room >= CLAIM_BATCH / 2 && !recentlyShort) {
      const claimed = await claim(eng, partner, entity, room);
      if (claimed.length < room) lastShort = eng.clock.nowMs();
      for (const change of claimed) {
        // The client's concurrency limit is the one gate: a claimed change waits there, and one
        // still waiting when the run stops is never sent and goes back as it was (NotSentError).
        const task = sendChange(eng, partner, port, change)
          .catch((err: unknown) => {
            failed.error ??= err instanceof Error ? err : new Error(String(err));
          })
          .finally(() => {
            active.delete(task);
            eng.onSent?.();
          });
        active.add(task);
        sent += 1;
      }
    }
    if (active.size > 0) {
      await Promise.race(active);
      continue;
    }
    if (eng.signal.aborted || !opts.untilSettled) break;
    // Nothing of ours in flight and nothing ready: wait for other workers and for retries due soon.
    const [others, next] = await Promise.all([
      countInFlight(eng.db, partner, entity),
      nextAttemptAt(eng.db, partner, entity),
    ]);
    const dueIn = next === null ? null : Date.parse(next) - eng.clock.nowMs();
    if (others === 0 && (dueIn === null || dueIn > MAX_IDLE_WAIT_MS)) break;
    await sleep(realMs(eng, Math.max(50, Math.min(500, dueIn ?? 500))), eng.signal);
  }
  await Promise.allSettled(active);
  if (failed.error) throw failed.error;
  return sent;
}

async function claim(
  eng: Engine,
  partner: string,
  entity: ChangeEntity,
  limit: number,
): Promise<Change[]> {
  // Claims are leases between processes: they expire on the wall clock every process shares,
  // not on the run's clock (which RTM_NOW may have moved).
  const wall = wallClock.now();
  return claimChanges(eng.db, {
    partner,
    entity,
    owner: eng.owner,
    now: isoNow(eng),
    wallNow: wall.toISOString(),
    leaseUntil: new Date(wall.getTime() + CLAIM_LEASE_MS).toISOString(),
    limit,
  });
}

/** Sends one claimed change and records what Webex answered; fenced by the claim's attempt. */
export async function sendChange(
  eng: Engine,
  partner: string,
  port: WebexPort,
  change: Change,
): Promise<void> {
  crashPoint('claimed');
  try {
    if (change.entity === 'customer') await sendCustomerChange(eng, partner, port, change);
    else await sendSubscriberChange(eng, port, change);
  } catch (err) {
    await settleClaimed(eng, change, { kind: 'failed', error: err });
  }
}

/** Makes a call that changes Webex, with the crash points around it. */
async function send<T>(call: () => Promise<T>): Promise<T> {
  const pending = call();
  crashAfterSending();
  const answer = await pending;
  crashPoint('answer-received');
  return answer;
}

async function sendCustomerChange(
  eng: Engine,
  partner: string,
  port: WebexPort,
  change: Change,
): Promise<void> {
  const now = isoNow(eng);
  const nextPoll = inMs(eng, eng.config.webex.pollSeconds * 1000);
  if (change.action === 'create') {
    // After an unknown outcome the customer may exist: look it up before any resend (domain §3).
    const existing =
      change.status === 'unknown'
        ? (await lookUp(() => port.listCustomers({ externalId: change.entityKey })))[0]
        : undefined;
    const accepted = existing
      ? { id: existing.id, trackingId: null }
      : await send(() => port.createCustomer(change.payload as CustomerBody));
    const status = existing?.status ?? 'provisioning';
    await record(
      eng,
      change,
      {
        status: 'awaiting',
        webexId: accepted.id,
        trackingId: accepted.trackingId,
        nextAttemptAt: nextPoll,
      },
      async (trx) => {
        await updateWebexState(trx, 'customer', change.entityId, {
          webexId: accepted.id,
          webexStatus: status,
          seenAt: now,
        });
        // R-RPL-1: every customer create opens an RPL check; it never blocks provisioning (R-RPL-2).
        await openRplCheck(trx, {
          partner,
          customerId: change.entityId,
          trigger: 'create',
          addressHash: hashDesired((change.payload as CustomerBody).address),
          status,
          at: now,
          runId: eng.runId,
        });
      },
    );
    return;
  }
  const known = await readCustomerWebexState(eng.db, change.entityId);
  if (!known.webexId) throw new Error(`customer ${change.entityKey} has no Webex id to change`);
  const webexId = known.webexId;
  if (change.action === 'update') {
    const body = change.payload as CustomerUpdateBody;
    const accepted = await send(() => port.updateCustomer(webexId, body));
    // R-RPL-1: a new billing address is checked again.
    const moved =
      body.address !== undefined &&
      known.address !== null &&
      hashDesired(pickAddress(known.address)) !== hashDesired(pickAddress(body.address));
    await record(
      eng,
      change,
      { status: 'awaiting', webexId, trackingId: accepted.trackingId, nextAttemptAt: nextPoll },
      async (trx) => {
        if (!moved) return;
        await openRplCheck(trx, {
          partner,
          customerId: change.entityId,
          trigger: 'address_change',
          addressHash: hashDesired(body.address),
          status: 'updating',
          at: now,
          runId: eng.runId,
        });
      },
    );
    return;
  }
  let accepted: { trackingId: string | null };
  try {
    accepted = await send(() => port.deleteCustomer(webexId));
  } catch (err) {
    // A 404 here is a delete already done (an earlier send whose answer was lost did it).
    await settleClaimed(eng, change, { kind: 'failed', error: err, webexId });
    return;
  }
  await record(eng, change, {
    status: 'awaiting',
    webexId,
    trackingId: accepted.trackingId,
    nextAttemptAt: nextPoll,
  });
}

async function sendSubscriberChange(eng: Engine, port: WebexPort, change: Change): Promise<void> {
  const now = isoNow(eng);
  if (change.action === 'create') {
    const body = change.payload as SubscriberBody;
    const existing =
      change.status === 'unknown'
        ? (
            await lookUp(() =>
              port.listSubscribers({ customerId: body.customerId, email: body.email }),
            )
          )[0]
        : undefined;
    const answer = existing
      ? { ...existing, trackingId: null }
      : await send(() => port.createSubscriber(body));
    const seen = {
      webexId: answer.id,
      webexCustomerId: body.customerId,
      webexStatus: answer.status,
      webexPersonId: answer.personId ?? null,
      state: answer,
      seenAt: now,
    };
    if (answer.status === 'provisioned') {
      await complete(
        eng,
        change,
        { status: 'done', outcome: 'created', webexId: answer.id, trackingId: answer.trackingId },
        (trx) =>
          updateWebexState(trx, 'subscriber', change.entityId, {
            ...seen,
            appliedHash: change.desiredHash,
          }),
      );
      return;
    }
    // 202 pending_user_migration: the user has to consent; followed by this and later runs.
    await record(
      eng,
      change,
      { status: 'awaiting', webexId: answer.id, trackingId: answer.trackingId },
      (trx) => updateWebexState(trx, 'subscriber', change.entityId, seen),
    );
    return;
  }
  const webexId = (await readSubscriberWebexId(eng.db, change.entityId)) ?? change.webexId;
  if (!webexId) throw new Error(`subscriber ${change.entityKey} has no Webex id to change`);
  let accepted: { trackingId: string | null };
  try {
    accepted =
      change.action === 'update'
        ? await send(() => port.updateSubscriber(webexId, change.payload as { packages: string[] }))
        : await send(() => port.deleteSubscriber(webexId));
  } catch (err) {
    // A 404 on a delete: gone already (an earlier send whose answer was lost, or its customer went).
    await settleClaimed(eng, change, { kind: 'failed', error: err, webexId });
    return;
  }
  const outcome = change.action === 'update' ? 'updated' : 'deleted';
  await complete(
    eng,
    change,
    { status: 'done', outcome, webexId, trackingId: accepted.trackingId },
    entityEffect(eng, change, change.action === 'update' ? 'applied' : 'gone'),
  );
}

/**
 * Customer creates with the partner's onboarding template where the sheet gave none (read as the
 * run plans, so the operator's setting counts from the next run on). A create still without one
 * is not written to the outbox: the customer waits, pending, and the run's count says what the
 * operator must set (waitingForTemplate).
 */
export function withTemplates(config: Config, partner: string, changes: NewChange[]): NewChange[] {
  const template = partnerConfig(config, partner).provisioningId;
  const out: NewChange[] = [];
  for (const c of changes) {
    const body = c.payload as Partial<CustomerBody>;
    if (c.entity !== 'customer' || c.action !== 'create' || body.provisioningId) out.push(c);
    else if (template) out.push({ ...c, payload: { ...body, provisioningId: template } });
  }
  return out;
}

/** Runs the look-up of an unknown outcome; any failure of it becomes a LookupFailedError. */
async function lookUp<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new LookupFailedError(`looking up an earlier send: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function policyOf(eng: Engine): DecidePolicy {
  return { pollMs: eng.config.webex.pollSeconds * 1000, rplPollMs: RPL_POLL_MS };
}

/**
 * Writes what decideChange made of a claimed change's failed call. The status it leaves is never
 * one that sends a create again blindly (see decideChange); a refused token ends the partner.
 */
async function settleClaimed(eng: Engine, change: Change, answer: ChangeAnswer): Promise<void> {
  const t = decideChange(change, answer, eng.clock.now(), policyOf(eng));
  switch (t.kind) {
    case 'release':
      await releaseClaim(eng.db, change, isoNow(eng));
      return;
    case 'retry':
      if (t.warn)
        eng.log.warn(t.warn, { partner: change.partner, trackingId: t.patch.trackingId ?? null });
      await recordChange(eng.db, change, t.patch, isoNow(eng));
      if (t.stop) throw t.stop;
      return;
    case 'complete':
      await complete(eng, change, t.patch, entityEffect(eng, change, t.effect));
      return;
    case 'unexpected':
      throw t.error;
    default:
      throw new Error(`a claimed change cannot be left ${t.kind}`);
  }
}

/** Writes what decideChange made of a look at an awaited change (no claim is held while awaiting). */
async function settleAwaited(
  eng: Engine,
  change: Change,
  answer: ChangeAnswer,
  seen?: WebexSubscriber,
): Promise<void> {
  const t = decideChange(change, answer, eng.clock.now(), policyOf(eng));
  if (t.kind === 'complete')
    await finish(eng, change, t.patch, entityEffect(eng, change, t.effect, seen));
  else if (t.kind === 'look-again')
    await deferAwaiting(eng.db, change.id, t.nextAttemptAt, isoNow(eng));
}

/** The write to the entity's Webex state that goes with a transition, in the same transaction. */
function entityEffect(
  eng: Engine,
  change: Change,
  effect: EntityEffect,
  seen?: WebexSubscriber,
): ((trx: Tx) => Promise<void>) | undefined {
  const now = isoNow(eng);
  const id = change.entityId;
  switch (effect) {
    case 'none':
      return undefined;
    case 'gone':
      return change.entity === 'customer'
        ? (trx) => markCustomerGone(trx, id, now)
        : (trx) =>
            updateWebexState(trx, 'subscriber', id, {
              webexId: null,
              webexStatus: 'deleted',
              appliedHash: null,
              seenAt: now,
            });
    case 'not-applied':
      // Not applied: the next plan sends an update with the whole package list.
      return (trx) => updateWebexState(trx, change.entity, id, { appliedHash: null, seenAt: now });
    case 'applied': {
      const observed = seen
        ? { webexStatus: seen.status, webexPersonId: seen.personId ?? null, state: seen }
        : {};
      return (trx) =>
        updateWebexState(trx, change.entity, id, {
          ...observed,
          appliedHash: change.desiredHash,
          seenAt: now,
        });
    }
  }
}

/**
 * Polls accepted customer changes on their schedule (seconds while Webex works, minutes while an
 * RPL review runs) until each is final or its next look falls after the run's wait; what is left
 * stays awaiting and a later run looks again. Nothing is given up on for taking long. The client's
 * concurrency limit is the only gate.
 */
export async function followCustomers(
  eng: Engine,
  partner: string,
  port: WebexPort,
): Promise<void> {
  const deadline = eng.clock.nowMs() + eng.config.webex.waitForProvisionedSeconds * 1000;
  while (!eng.signal.aborted) {
    const now = isoNow(eng);
    const awaiting = await listAwaiting(eng.db, partner, 'customer');
    const due = awaiting.filter((c) => c.nextAttemptAt === null || c.nextAttemptAt <= now);
    await Promise.all(
      due.map(async (change) => {
        if (eng.signal.aborted) return;
        try {
          const customer = await port.getCustomer(change.webexId as string);
          await observeCustomer(eng, change, customer);
        } catch (err) {
          if (err instanceof AuthError) throw err;
          // Stopping: the look was never made; the change stays awaiting for a later run.
          if (err instanceof NotSentError) return;
          eng.log.warn(`following customer ${change.entityKey}: ${(err as Error).message}`, {
            partner,
          });
        }
      }),
    );
    const left = await listAwaiting(eng.db, partner, 'customer');
    if (left.length === 0) return;
    const next = Math.min(...left.map((c) => Date.parse(c.nextAttemptAt ?? now)));
    const waitMs = Math.max(0, next - eng.clock.nowMs());
    if (eng.clock.nowMs() + waitMs > deadline) return; // parked: a later run looks again
    await sleep(realMs(eng, Math.max(20, waitMs)), eng.signal);
  }
}

/** Records one observed customer state, then lets decideChange say what it means for the change. */
async function observeCustomer(
  eng: Engine,
  change: Change,
  customer: WebexCustomer | null,
): Promise<void> {
  if (customer) {
    const now = isoNow(eng);
    await updateWebexState(eng.db, 'customer', change.entityId, {
      webexId: customer.id,
      webexStatus: customer.status,
      webexOrgId: customer.orgId ?? null,
      state: customer,
      seenAt: now,
    });
    await observeRplStatus(eng.db, change.entityId, customer.status, now, eng.runId);
  }
  await settleAwaited(eng, change, { kind: 'customer', customer });
}

/** Looks at subscribers waiting for the user's consent (pending_user_migration), once per run. */
export async function followSubscribers(
  eng: Engine,
  partner: string,
  port: WebexPort,
): Promise<void> {
  const awaiting = await listAwaiting(eng.db, partner, 'subscriber');
  await Promise.all(
    awaiting.map(async (change) => {
      if (eng.signal.aborted) return;
      let sub: WebexSubscriber | null;
      try {
        sub = await port.getSubscriber(change.webexId as string);
      } catch (err) {
        // A look that failed changes nothing: the change stays awaiting for a later look. Only a
        // refused token stops the partner; before, a 5xx here failed the whole run.
        if (err instanceof AuthError) throw err;
        if (err instanceof NotSentError) return;
        eng.log.warn(`following subscriber ${change.entityKey}: ${(err as Error).message}`, {
          partner,
        });
        return;
      }
      await settleAwaited(eng, change, { kind: 'subscriber', subscriber: sub }, sub ?? undefined);
    }),
  );
}

/** Records a claimed change's new state (and the row's result), fenced; `extra` runs only if we still held it. */
async function record(
  eng: Engine,
  change: Change,
  patch: ChangePatch,
  extra?: (trx: Tx) => Promise<void>,
): Promise<boolean> {
  return eng.db.transaction(async (trx) => {
    const ok = await recordChange(trx, change, patch, isoNow(eng));
    if (!ok) {
      eng.log.warn(
        `${change.entity} ${change.entityKey}: our claim was taken over; result dropped`,
      );
      return false;
    }
    await extra?.(trx);
    await writeRowResult(eng, trx, change, patch);
    return true;
  });
}

/** Completes a claimed change. */
function complete(
  eng: Engine,
  change: Change,
  patch: ChangePatch,
  extra?: (trx: Tx) => Promise<void>,
): Promise<boolean> {
  return record(eng, change, { ...patch, completedRunId: eng.runId }, extra);
}

/** Completes an awaited change (no claim is held while awaiting). */
async function finish(
  eng: Engine,
  change: Change,
  patch: ChangePatch,
  extra?: (trx: Tx) => Promise<void>,
): Promise<void> {
  await eng.db.transaction(async (trx) => {
    const full = { ...patch, completedRunId: eng.runId };
    if (!(await finishAwaiting(trx, change.id, full, isoNow(eng)))) return;
    await extra?.(trx);
    await writeRowResult(eng, trx, change, full);
  });
}

/** The row's result for its results file: outcome, Webex id, tracking id, code and message. */
async function writeRowResult(
  eng: Engine,
  trx: Tx,
  change: Change,
  patch: ChangePatch,
): Promise<void> {
  if (change.sourceRowId === null) return;
  const result = patch.outcome ?? (patch.status === 'awaiting' ? 'pending' : null);
  if (result === null) return;
  const trackingId = patch.trackingId ?? change.trackingId;
  let code: string | null = null;
  let message: ResultMessage | null = null;
  if (result === 'failed' || patch.errorCode) {
    code = result === 'failed' ? 'API_REJECTED' : `WEBEX_${patch.errorCode}`;
    // Rendered in the results file's language when it is written (src/results), not here.
    message = {
      template: 'API_REJECTED',
      params: {
        description: patch.errorMessage ?? '',
        errorCode: patch.errorCode ?? '',
        trackingId: trackingId ?? '',
      },
    };
  }
  await setRowResult(trx, change.sourceRowId, {
    result,
    webexId: patch.webexId ?? change.webexId,
    trackingId,
    code,
    message,
    at: isoNow(eng),
  });
}

async function markCustomerGone(trx: Tx, customerId: number, now: string): Promise<void> {
  await updateWebexState(trx, 'customer', customerId, {
    webexId: null,
    webexStatus: 'deleted',
    webexOrgId: null,
    appliedHash: null,
    seenAt: now,
  });
}

const ADDRESS_KEYS = [
  'addressLine1',
  'addressLine2',
  'city',
  'stateOrProvince',
  'zipOrPostalCode',
  'country',
];

/** The billing address fields Webex keeps, in a fixed order, to compare two addresses. */
function pickAddress(a: object): Record<string, string> {
  const src = a as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k of ADDRESS_KEYS) if (typeof src[k] === 'string' && src[k] !== '') out[k] = src[k];
  return out;
}

/** Real milliseconds for a wait measured on the run's clock. */
function realMs(eng: Engine, ms: number): number {
  return eng.clock.realMs?.(ms) ?? ms;
}

function isoNow(eng: Engine): string {
  return eng.clock.now().toISOString();
}

function inMs(eng: Engine, ms: number): string {
  return new Date(eng.clock.nowMs() + ms).toISOString();
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', done);
      resolve();
    }, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

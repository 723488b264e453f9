import type { Change, ChangePatch } from '../store/index.ts';
import {
  AuthError,
  FINAL_CUSTOMER_STATUSES,
  NotSentError,
  OutcomeUnknownError,
  PermanentError,
  WebexCallError,
  type WebexCustomer,
  type WebexSubscriber,
} from '../webex/index.ts';

/** Webex's code for "Calling under maintenance, retry later" (domain §3). */
export const RETRY_LATER_CODE = 2560;

/**
 * The look-up that must settle an unknown outcome did not answer. Whatever it met (401, 403, 429,
 * 5xx, a timeout, a 4xx), the change stays unknown: only an answer to the look-up may let a create
 * be sent again (issue 16: a 401 here once turned an unknown create back into pending, and the
 * next night sent it blindly: two customers with one externalId).
 */
export class LookupFailedError extends Error {
  override readonly name = 'LookupFailedError';
}

/** What came back for a change: a call's failure, or a look at what Webex is working on. */
export type ChangeAnswer =
  /** A send or a look-up failed; `webexId` is the id the call was about, when there was one. */
  | { kind: 'failed'; error: unknown; webexId?: string | null }
  /** A look at an awaited customer; null: Webex no longer has it. */
  | { kind: 'customer'; customer: WebexCustomer | null }
  /** A look at an awaited subscriber (or the answer to its create); null: no longer there. */
  | { kind: 'subscriber'; subscriber: WebexSubscriber | null };

/** What the transition does to the ledger's view of the entity, besides the change itself. */
export type EntityEffect =
  /** Nothing beyond the change. */
  | 'none'
  /** The desired state is now Webex's (the entity's applied hash is the change's). */
  | 'applied'
  /** Not applied: the next plan sends the desired state again (2560). */
  | 'not-applied'
  /** Gone from Webex. */
  | 'gone';

/** How a change moves on, decided from what came back; `apply` writes it. */
export type Transition =
  /** Never sent (the run is stopping): the change goes back exactly as it was. */
  | { kind: 'release' }
  /**
   * Attempted, not decided: the change waits for another attempt (pending, or unknown when the
   * send may have reached Webex). `stop`: the partner's work ends (a refused token).
   */
  | { kind: 'retry'; patch: ChangePatch; warn: string | null; stop: AuthError | null }
  /** An outcome: done or failed; `patch.completedRunId` is added by the writer. */
  | { kind: 'complete'; patch: ChangePatch; effect: EntityEffect }
  /** Webex is still working on it: look again then. */
  | { kind: 'look-again'; nextAttemptAt: string }
  /** Nothing to decide yet (a user who has not consented to the migration). */
  | { kind: 'keep' }
  /** An error this engine has no reading for: the run fails with it. */
  | { kind: 'unexpected'; error: unknown };

export interface DecidePolicy {
  /** How soon an awaited change is looked at again while Webex works on it. */
  pollMs: number;
  /** How soon a customer under RPL review is looked at again: minutes (R-RPL-3). */
  rplPollMs: number;
}

/**
 * How each Webex answer, 429, 2560, timeout and refusal is read, as a value: no I/O, no clock but
 * `now`. A change whose earlier send may have reached Webex (unknown) never becomes pending here:
 * only a look-up that answered may let a create go out again (domain §3).
 */
export function decideChange(
  change: Pick<Change, 'action' | 'status' | 'attempt' | 'entity' | 'entityKey' | 'webexId'>,
  answer: ChangeAnswer,
  now: Date,
  policy: DecidePolicy,
): Transition {
  if (answer.kind === 'failed') return decideFailure(change, answer.error, answer.webexId, now);
  if (answer.kind === 'customer') return decideCustomerLook(change, answer.customer, now, policy);
  return decideSubscriberLook(answer.subscriber);
}

function decideFailure(
  change: Pick<Change, 'action' | 'status' | 'attempt' | 'entity' | 'entityKey' | 'webexId'>,
  err: unknown,
  webexId: string | null | undefined,
  now: Date,
): Transition {
  const retryAt = new Date(now.getTime() + 1000 * change.attempt).toISOString();
  const wasUnknown = change.status === 'unknown';
  const what = `${change.entity} ${change.action} ${change.entityKey}`;
  if (err instanceof NotSentError) return { kind: 'release' };
  if (err instanceof LookupFailedError) {
    if (err.cause instanceof NotSentError) return { kind: 'release' };
    return {
      kind: 'retry',
      patch: { status: 'unknown', errorMessage: err.message, nextAttemptAt: retryAt },
      warn: `${what}: ${err.message}`,
      stop: err.cause instanceof AuthError ? err.cause : null,
    };
  }
  if (err instanceof AuthError)
    // Refused before it changed anything: the change is as it was (an unknown one stays unknown).
    return {
      kind: 'retry',
      patch: { status: wasUnknown ? 'unknown' : 'pending', errorMessage: err.message },
      warn: null,
      stop: err,
    };
  if (err instanceof PermanentError && err.info.status === 404 && change.action === 'delete')
    // Gone already (an earlier send whose answer was lost did it, or its customer went): done.
    return {
      kind: 'complete',
      patch: {
        status: 'done',
        outcome: 'deleted',
        webexId: webexId ?? change.webexId,
        trackingId: err.info.trackingId,
      },
      effect: 'gone',
    };
  if (
    err instanceof PermanentError &&
    err.info.status === 409 &&
    wasUnknown &&
    change.action === 'create'
  )
    // Re-sent after a look-up found nothing, refused as a conflict: it exists after all (the list
    // lagged). Still unknown, looked up again next time; never counted refused by Webex.
    return {
      kind: 'retry',
      patch: {
        status: 'unknown',
        trackingId: err.info.trackingId,
        errorMessage: err.message,
        nextAttemptAt: retryAt,
      },
      warn: null,
      stop: null,
    };
  if (err instanceof PermanentError)
    return {
      kind: 'complete',
      patch: {
        status: 'failed',
        outcome: 'failed',
        trackingId: err.info.trackingId,
        errorCode:
          err.info.errorCode !== undefined ? String(err.info.errorCode) : String(err.info.status),
        errorMessage: err.info.description,
      },
      effect: 'none',
    };
  if (err instanceof OutcomeUnknownError || err instanceof WebexCallError)
    // Unknown (or retries spent): a create is looked up before any resend; others resend safely.
    return {
      kind: 'retry',
      patch: {
        status: err instanceof OutcomeUnknownError || wasUnknown ? 'unknown' : 'pending',
        trackingId: err.info.trackingId,
        errorMessage: err.message,
        nextAttemptAt: retryAt,
      },
      warn: `${what}: ${err.message}`,
      stop: null,
    };
  return { kind: 'unexpected', error: err };
}

function decideCustomerLook(
  change: Pick<Change, 'action'>,
  customer: WebexCustomer | null,
  now: Date,
  policy: DecidePolicy,
): Transition {
  if (!customer) {
    if (change.action === 'delete')
      return { kind: 'complete', patch: { status: 'done', outcome: 'deleted' }, effect: 'gone' };
    return failedWith('404', 'the customer Webex accepted is no longer there');
  }
  if (customer.status === 'error') {
    const e = customer.errors?.[0];
    return failedWith(
      e?.errorCode !== undefined ? String(e.errorCode) : 'error',
      e?.description ?? 'Webex could not provision the customer',
    );
  }
  if (customer.status === 'provisioned_with_errors') return decidePackageErrors(customer);
  if (FINAL_CUSTOMER_STATUSES.has(customer.status))
    return {
      kind: 'complete',
      patch: { status: 'done', outcome: change.action === 'create' ? 'created' : 'updated' },
      effect: 'applied',
    };
  // Still working: seconds while provisioning/updating/deleting, minutes under RPL review (R-RPL-3).
  const wait = customer.status === 'pending_rpl_review' ? policy.rplPollMs : policy.pollMs;
  return { kind: 'look-again', nextAttemptAt: new Date(now.getTime() + wait).toISOString() };
}

/**
 * provisioned_with_errors: the failed packages decide. Only 2560 (Calling under maintenance) on
 * every failed package → pending, and a later run sends the full package list again; any other
 * package error → failed, kept as applied (the same desired state would fail again; a new sheet
 * row retries it).
 */
function decidePackageErrors(customer: WebexCustomer): Transition {
  const problems = (customer.resourceDetails?.packages ?? [])
    .filter((p) => p.status === 'error' || (p.errors?.length ?? 0) > 0)
    .map((p) => ({ name: p.name, items: [...(p.errors ?? []), ...(p.warnings ?? [])] }));
  const retryable =
    problems.length > 0 &&
    problems.every((p) => p.items.some((i) => i.errorCode === RETRY_LATER_CODE));
  const message = problems
    .map((p) => `${p.name}: ${p.items.map((i) => i.description ?? i.errorCode).join('; ')}`)
    .join(' | ');
  if (retryable)
    return {
      kind: 'complete',
      patch: {
        status: 'done',
        outcome: 'pending',
        errorCode: String(RETRY_LATER_CODE),
        errorMessage: `${message} (a later run sends the packages again)`,
      },
      effect: 'not-applied',
    };
  const first = problems.flatMap((p) => p.items)[0];
  return {
    kind: 'complete',
    patch: {
      status: 'failed',
      outcome: 'failed',
      errorCode: first?.errorCode !== undefined ? String(first.errorCode) : 'package_error',
      errorMessage: message || 'Webex provisioned the customer with errors',
    },
    effect: 'applied',
  };
}

/** A subscriber looked at while it waits for the user's consent (pending_user_migration). */
function decideSubscriberLook(sub: WebexSubscriber | null): Transition {
  if (sub === null) return failedWith('404', 'the subscriber Webex accepted is no longer there');
  if (sub.status === 'provisioned')
    return { kind: 'complete', patch: { status: 'done', outcome: 'created' }, effect: 'applied' };
  return { kind: 'keep' };
}

/** Webex ended the change in failure: its code and description, nothing applied. */
function failedWith(errorCode: string, errorMessage: string): Transition {
  return {
    kind: 'complete',
    patch: { status: 'failed', outcome: 'failed', errorCode, errorMessage },
    effect: 'none',
  };
}

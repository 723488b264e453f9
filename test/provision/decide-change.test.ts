import { expect } from 'chai';
import fc from 'fast-check';
import {
  decideChange,
  LookupFailedError,
  type ChangeAnswer,
  type Transition,
} from '../../src/provision/decide-change.ts';
import type { Change, ChangeAction, ChangeStatus } from '../../src/store/index.ts';
import {
  AuthError,
  NotSentError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
  type FailureInfo,
  type WebexCustomer,
} from '../../src/webex/index.ts';

/**
 * decideChange reads every Webex answer as a value (issue 18, item 1): no database, no HTTP, no
 * clock but `now`. Each row here is one reading the engine relies on; the outbox property test
 * (outbox-state-machine.property.test.ts) drives the same function through the real engine.
 */

const NOW = new Date('2026-12-06T10:00:00.000Z');
const POLICY = { pollMs: 5_000, rplPollMs: 300_000 };
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

function change(action: ChangeAction, status: ChangeStatus = 'in_flight', attempt = 3) {
  const c: Pick<Change, 'action' | 'status' | 'attempt' | 'entity' | 'entityKey' | 'webexId'> = {
    action,
    status,
    attempt,
    entity: 'customer',
    entityKey: 'us-001',
    webexId: 'wx-old',
  };
  return c;
}

const info = (status: number | null, extra: Partial<FailureInfo> = {}): FailureInfo => ({
  status,
  trackingId: 'ROUTER_1',
  description: `HTTP ${status}`,
  ...extra,
});
const failed = (error: unknown, webexId?: string): ChangeAnswer =>
  webexId === undefined ? { kind: 'failed', error } : { kind: 'failed', error, webexId };
const customer = (c: Partial<WebexCustomer>): ChangeAnswer => ({
  kind: 'customer',
  customer: { id: 'wx-1', status: 'provisioned', ...c },
});
const decide = (c: ReturnType<typeof change>, a: ChangeAnswer): Transition =>
  decideChange(c, a, NOW, POLICY);

describe('provision: decideChange reads each answer (issue 18, item 1; domain §3)', () => {
  describe('a call that failed', () => {
    it('when a call was never sent because the run stops, then the change goes back as it was', () => {
      const notSent = new NotSentError('not sent', info(null));
      expect(decide(change('create'), failed(notSent))).to.deep.equal({ kind: 'release' });
      const lookup = new LookupFailedError('looking up', { cause: notSent });
      expect(decide(change('create', 'unknown'), failed(lookup))).to.deep.equal({
        kind: 'release',
      });
    });

    it('when the look-up of an unknown create meets a 401, then it stays unknown and the partner stops', () => {
      const refused = new AuthError('401', info(401));
      const t = decide(
        change('create', 'unknown'),
        failed(new LookupFailedError('looking up', { cause: refused })),
      );
      expect(t.kind).to.equal('retry');
      if (t.kind !== 'retry') return;
      expect(t.patch.status).to.equal('unknown');
      expect(t.patch.nextAttemptAt).to.equal(at(3000));
      expect(t.stop).to.equal(refused);
    });

    it('when the look-up meets a 5xx, then it stays unknown and the partner goes on', () => {
      const t = decide(
        change('create', 'unknown'),
        failed(new LookupFailedError('x', { cause: new TransientError('503', info(503)) })),
      );
      expect(t).to.include({ kind: 'retry', stop: null });
      if (t.kind === 'retry') expect(t.patch.status).to.equal('unknown');
    });

    it('when a token is refused, then a pending change stays pending, an unknown one unknown, and the partner stops', () => {
      const refused = new AuthError('403', info(403));
      const pending = decide(change('create', 'pending'), failed(refused));
      const unknown = decide(change('create', 'unknown'), failed(refused));
      expect(pending).to.deep.include({ kind: 'retry', stop: refused });
      expect(unknown).to.deep.include({ kind: 'retry', stop: refused });
      if (pending.kind === 'retry') expect(pending.patch.status).to.equal('pending');
      if (unknown.kind === 'retry') expect(unknown.patch.status).to.equal('unknown');
    });

    it('when a delete meets a 404, then the delete is done (an earlier lost answer did it)', () => {
      const t = decide(change('delete'), failed(new PermanentError('404', info(404)), 'wx-9'));
      expect(t).to.deep.equal({
        kind: 'complete',
        patch: { status: 'done', outcome: 'deleted', webexId: 'wx-9', trackingId: 'ROUTER_1' },
        effect: 'gone',
      });
    });

    it('when an update meets a 404, then it failed with the status as its code', () => {
      const t = decide(change('update'), failed(new PermanentError('404', info(404))));
      expect(t).to.deep.include({ kind: 'complete', effect: 'none' });
      if (t.kind === 'complete')
        expect(t.patch).to.include({ outcome: 'failed', errorCode: '404' });
    });

    it('when a re-sent create meets a 409, then it exists after all: still unknown, never refused', () => {
      const conflict = new PermanentError('409', info(409));
      const resent = decide(change('create', 'unknown'), failed(conflict));
      expect(resent.kind).to.equal('retry');
      if (resent.kind === 'retry') expect(resent.patch.status).to.equal('unknown');
      // The first send of a create meeting a 409 is Webex refusing it.
      const first = decide(change('create', 'in_flight'), failed(conflict));
      expect(first.kind).to.equal('complete');
      if (first.kind === 'complete') expect(first.patch.outcome).to.equal('failed');
    });

    it('when Webex refuses with its own code, then the change failed with that code and description', () => {
      const t = decide(
        change('create'),
        failed(new PermanentError('400', info(400, { errorCode: 4003, description: 'bad zip' }))),
      );
      expect(t).to.deep.equal({
        kind: 'complete',
        patch: {
          status: 'failed',
          outcome: 'failed',
          trackingId: 'ROUTER_1',
          errorCode: '4003',
          errorMessage: 'bad zip',
        },
        effect: 'none',
      });
    });

    it('when no answer came to a create, then it is unknown and looked up before any resend', () => {
      const t = decide(change('create'), failed(new OutcomeUnknownError('timeout', info(null))));
      expect(t.kind).to.equal('retry');
      if (t.kind !== 'retry') return;
      expect(t.patch).to.include({ status: 'unknown', nextAttemptAt: at(3000) });
      expect(t.warn).to.match(/customer create us-001/);
    });

    it('when 429s or 5xx outlast the retries, then an update is pending again, a create once unknown stays unknown', () => {
      const limited = new RateLimitedError(info(429), 2000);
      expect(decide(change('update'), failed(limited))).to.deep.include({ kind: 'retry' });
      const update = decide(change('update'), failed(limited));
      if (update.kind === 'retry') expect(update.patch.status).to.equal('pending');
      const unknown = decide(
        change('create', 'unknown'),
        failed(new TransientError('503', info(503))),
      );
      if (unknown.kind === 'retry') expect(unknown.patch.status).to.equal('unknown');
      expect(unknown.kind).to.equal('retry');
    });

    it('when the error is not one of Webex, then the run fails with it', () => {
      const bug = new TypeError('x is undefined');
      expect(decide(change('create'), failed(bug))).to.deep.equal({
        kind: 'unexpected',
        error: bug,
      });
    });

    it('property: whatever error a change whose send may have reached Webex meets, it never becomes pending', () => {
      const errors = fc.constantFrom(
        () => new AuthError('401', info(401)),
        () => new AuthError('403', info(403)),
        () => new RateLimitedError(info(429), null),
        () => new TransientError('503', info(503)),
        () => new OutcomeUnknownError('reset', info(null)),
        () => new PermanentError('409', info(409)),
        () => new NotSentError('stopping', info(null)),
        () => new LookupFailedError('x', { cause: new AuthError('401', info(401)) }),
        () => new LookupFailedError('x', { cause: new TransientError('500', info(500)) }),
      );
      fc.assert(
        fc.property(errors, fc.integer({ min: 1, max: 9 }), (make, attempt) => {
          const t = decide(change('create', 'unknown', attempt), failed(make()));
          if (t.kind === 'retry') return t.patch.status === 'unknown';
          return t.kind === 'release';
        }),
      );
    });
  });

  describe('a look at an awaited customer', () => {
    it('when Webex still provisions it, then it is looked at again after the poll interval; under RPL review after minutes (R-RPL-3)', () => {
      expect(
        decide(change('create', 'awaiting'), customer({ status: 'provisioning' })),
      ).to.deep.equal({ kind: 'look-again', nextAttemptAt: at(5_000) });
      expect(
        decide(change('create', 'awaiting'), customer({ status: 'pending_rpl_review' })),
      ).to.deep.equal({ kind: 'look-again', nextAttemptAt: at(300_000) });
    });

    it('when it is provisioned, then a create is created and an update updated, both applied', () => {
      expect(decide(change('create', 'awaiting'), customer({}))).to.deep.equal({
        kind: 'complete',
        patch: { status: 'done', outcome: 'created' },
        effect: 'applied',
      });
      const t = decide(change('update', 'awaiting'), customer({}));
      if (t.kind === 'complete') expect(t.patch.outcome).to.equal('updated');
    });

    it('when it is gone, then a delete is done and anything else failed with 404', () => {
      const gone: ChangeAnswer = { kind: 'customer', customer: null };
      expect(decide(change('delete', 'awaiting'), gone)).to.deep.include({
        kind: 'complete',
        effect: 'gone',
      });
      const t = decide(change('create', 'awaiting'), gone);
      if (t.kind === 'complete')
        expect(t.patch).to.include({ outcome: 'failed', errorCode: '404' });
    });

    it('when Webex ended in error, then the change failed with its first error code', () => {
      const t = decide(
        change('create', 'awaiting'),
        customer({ status: 'error', errors: [{ errorCode: 7001, description: 'no org' }] }),
      );
      expect(t.kind).to.equal('complete');
      if (t.kind === 'complete')
        expect(t.patch).to.include({
          outcome: 'failed',
          errorCode: '7001',
          errorMessage: 'no org',
        });
    });

    /** A customer Webex provisioned with errors on these packages (name → error code). */
    const withPackageErrors = (failed: Record<string, number>) =>
      customer({
        status: 'provisioned_with_errors',
        resourceDetails: {
          packages: [
            ...Object.entries(failed).map(([name, errorCode]) => ({
              name,
              status: 'error',
              errors: [{ errorCode, description: `code ${errorCode}` }],
            })),
            { name: 'webex_meetings', status: 'provisioned' },
          ],
        },
      });

    it('when every failed package says 2560 (Calling under maintenance), then it is pending and not applied, so a later run sends it again', () => {
      const t = decide(change('create', 'awaiting'), withPackageErrors({ webex_calling: 2560 }));
      expect(t).to.deep.include({ kind: 'complete', effect: 'not-applied' });
      if (t.kind === 'complete')
        expect(t.patch).to.include({ outcome: 'pending', errorCode: '2560' });
    });

    it('when a package failed with another code, then the change failed and stays applied', () => {
      const t = decide(
        change('create', 'awaiting'),
        withPackageErrors({ webex_suite: 4100, webex_calling: 2560 }),
      );
      expect(t).to.deep.include({ kind: 'complete', effect: 'applied' });
      if (t.kind === 'complete')
        expect(t.patch).to.include({ outcome: 'failed', errorCode: '4100' });
    });
  });

  describe('a look at an awaited subscriber', () => {
    const sub = (status: 'provisioned' | 'pending_user_migration'): ChangeAnswer => ({
      kind: 'subscriber',
      subscriber: { id: 's1', email: 'a@b.c', customerId: 'wx-1', packages: [], status },
    });
    it('when the user has not consented yet, then nothing changes; once provisioned it is created', () => {
      expect(decide(change('create', 'awaiting'), sub('pending_user_migration'))).to.deep.equal({
        kind: 'keep',
      });
      expect(decide(change('create', 'awaiting'), sub('provisioned'))).to.deep.include({
        kind: 'complete',
        effect: 'applied',
      });
      const gone = decide(change('create', 'awaiting'), { kind: 'subscriber', subscriber: null });
      if (gone.kind === 'complete') expect(gone.patch.errorCode).to.equal('404');
      expect(gone.kind).to.equal('complete');
    });
  });
});

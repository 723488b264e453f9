import { expect } from 'chai';
import { closeApp, openApp } from '../../src/cli/app.ts';
import { PIPELINE_LOCK, runJob } from '../../src/runs/index.ts';
import { readLease } from '../../src/store/index.ts';
import { testConfig } from '../support/run-context.ts';

describe('runs: the lock through a long SQLite write', () => {
  it('when a file transaction outlasts the lease, then the run renews it on commit and keeps its lock', async function () {
    this.timeout(30_000);
    // The shortest lease: the heartbeat tries every 1.7 s and cannot get the connection.
    const app = await openApp(testConfig({ lock: { leaseSeconds: 5 } }), { quiet: true });
    try {
      let after: { owner: string; expiresAt: string } | null = null;
      let aborted = true;
      const summary = await runJob(
        app,
        { job: 'import', dryRun: false, partner: null, signal: new AbortController().signal },
        async (ctx) => {
          const trx = await ctx.db.transaction();
          await trx('partners').insert({
            id: 'long',
            locale: 'en',
            created_at: '2026-11-24T00:00:00Z',
            updated_at: '2026-11-24T00:00:00Z',
          });
          await new Promise((r) => setTimeout(r, 6500)); // longer than the 5 s lease
          await trx.commit();
          await ctx.renewLock?.();
          after = await readLease(ctx.db, PIPELINE_LOCK);
          aborted = ctx.signal.aborted;
          expect(after?.owner).to.equal(ctx.runId);
        },
      );
      expect(summary.exitCode).to.equal(0);
      expect(aborted).to.equal(false);
      // Renewed just now: a whole lease ahead, not expired since the transaction began.
      const expiresIn =
        Date.parse((after as unknown as { expiresAt: string }).expiresAt) - Date.now();
      expect(expiresIn).to.be.greaterThan(3000);
    } finally {
      await closeApp(app);
    }
  });
});

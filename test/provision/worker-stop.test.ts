import { expect } from 'chai';
import { createClock } from '../../src/clock/index.ts';
import { createLogger } from '../../src/log/index.ts';
import { runWorker } from '../../src/provision/index.ts';
import { PIPELINE_LOCK } from '../../src/runs/run-job.ts';
import { releaseLease } from '../../src/store/index.ts';
import { holdRunLock } from './engine-support.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { testConfig } from '../support/run-context.ts';

for (const backend of backends()) {
  describe(`provision-worker: a stop that came while it started (${backend})`, () => {
    let t: TestDb;
    afterEach(async () => t?.close());

    // `provision --workers` stops its workers with SIGTERM when the run ends and waits for them
    // while it still holds the run's lock. A worker still opening the ledger holds that signal and
    // aborts before it runs; a worker that missed it worked on for the run forever (the hang of
    // signals-workers' "4 processes" test).
    it('when the stop signal is already aborted, then the worker sends nothing, gives its lease back and returns', async () => {
      t = await freshDb(backend);
      await holdRunLock(t.db, 'run-1');
      const app = {
        config: testConfig({
          webex: { baseUrl: 'http://127.0.0.1:9/v1', requestsPerSecond: 100 },
          partners: { acme: { webex: { tokenEnv: 'ACME_TOKEN' } } },
        }),
        db: t.db,
        clock: createClock(null),
        logger: createLogger({ secrets: [], console: false }),
      };
      const stopped = new AbortController();
      stopped.abort(new Error('signal'));
      const worker = runWorker(app, {
        runId: 'run-1',
        signal: stopped.signal,
        env: { ACME_TOKEN: 'token' },
        rateShare: 1,
      });
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        worker.then((sent) => ({ returned: true, sent })),
        new Promise<{ returned: false }>((resolve) => {
          timer = setTimeout(() => resolve({ returned: false }), 5000);
        }),
      ]);
      clearTimeout(timer);
      // The run still holds its lock: without the stop, the worker would not return.
      expect(outcome).to.deep.equal({ returned: true, sent: 0 });
      const leases = (await t.db('leases').select('name')) as { name: string }[];
      expect(leases.map((l) => l.name)).to.deep.equal([PIPELINE_LOCK]);
      await releaseLease(t.db, PIPELINE_LOCK, 'run-1');
      await worker;
    });
  });
}

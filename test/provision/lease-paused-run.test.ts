import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import type { DatabaseConfig } from '../../src/config/index.ts';
import type { Summary } from '../../src/reports/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import {
  multiplicity,
  population,
  runRtm,
  stage,
  startSimProcess,
  workspace,
  type SimProcess,
  type Workspace,
} from './engine-support.ts';

/**
 * A run that is alive keeps its lock, even when it could not renew it in time (issue 16, case 4):
 * a long SQLite transaction holds the only connection, a machine under load or a paused process
 * (SIGSTOP here) misses its heartbeat. Before, a second run took the lapsed lease over and both
 * worked on the same ledger and inbox at once.
 */
for (const backend of backends()) {
  describe(`runs: the lock of a live run that missed its renewals (${backend})`, function () {
    this.timeout(120_000);
    let sim: SimProcess | null = null;
    let ws: Workspace | null = null;
    let pg: TestDb | null = null;
    afterEach(async () => {
      await ws?.db.destroy();
      await sim?.stop();
      await pg?.close();
    });

    it('when a run is paused past its lease and another starts, then the other finds the lock held (75); resumed, the first finishes and nothing is sent twice', async () => {
      sim = await startSimProcess({ rateLimitPerSecond: 1000, latencyMs: 150 });
      let database: DatabaseConfig | undefined;
      if (backend === 'pg') {
        pg = await freshDb('pg');
        const url = new URL(process.env.DATABASE_URL as string);
        url.searchParams.set('options', `-c search_path=${pg.searchPath}`);
        database = { client: 'pg', connection: url.toString() };
      }
      ws = await workspace(sim.url, {
        ...(database ? { database } : {}),
        leaseSeconds: 5,
        webex: { requestsPerSecond: 10, concurrency: 2 },
      });
      await stage(ws.db, 'acme', population(40, 0, 'pause').customers);
      let child: ChildProcess | null = null;
      const first = runRtm(ws, ['provision', '--json'], {}, (c) => (child = c));
      const sent = async () =>
        Number(
          (
            (await ws!.db('changes').whereNot('status', 'pending').count({ n: '*' })) as {
              n: number;
            }[]
          )[0]?.n,
        );
      while ((await sent()) < 3) await new Promise((r) => setTimeout(r, 50));
      const paused = child as unknown as ChildProcess;
      paused.kill('SIGSTOP');
      try {
        await new Promise((r) => setTimeout(r, 6_500)); // past the 5 s lease
        const second = await runRtm(ws, ['provision', '--json']);
        expect(second.code, second.stderr).to.equal(75);
      } finally {
        paused.kill('SIGCONT');
      }
      const done = await first;
      expect(done.code, done.stderr).to.equal(0);
      const summary = JSON.parse(done.stdout) as Summary;
      expect(summary.customers.created).to.equal(40);
      const { customers } = multiplicity(await sim.read(), 'pause-');
      expect(customers.size).to.equal(40);
      expect([...customers.values()].filter((n) => n !== 1)).to.deep.equal([]);
    });
  });
}

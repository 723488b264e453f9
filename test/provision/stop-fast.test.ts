import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import type { Summary } from '../../src/reports/index.ts';
import type { Db } from '../../src/store/index.ts';
import {
  population,
  runRtm,
  stage,
  startSimProcess,
  type SimProcess,
  type Workspace,
  workspace,
} from './engine-support.ts';

async function sentCount(db: Db): Promise<number> {
  // Answered by Webex: accepted (awaiting), done or refused; in_flight is only claimed.
  const [row] = (await db('changes')
    .whereIn('status', ['awaiting', 'done', 'failed'])
    .count({ n: '*' })) as {
    n: number | string;
  }[];
  return Number(row?.n ?? 0);
}

describe('provision: SIGTERM against a slow Webex stops within 5 s at the default timeouts (issue 19, item 2)', function () {
  this.timeout(120_000);
  let sim: SimProcess | null = null;
  let ws: Workspace | null = null;
  afterEach(async () => {
    await ws?.db.destroy();
    ws = null;
    await sim?.stop().catch(() => undefined);
  });

  const cases = [
    {
      when: 'every call takes 1 s and SIGTERM comes while changes are sent',
      simulator: { rateLimitPerSecond: 1000, latencyMs: 1000, provisioningSeconds: 0.5 },
      customers: 300,
      sentBeforeKill: 10,
    },
    {
      when: 'Webex answers most calls 429 and SIGTERM comes while the run backs off',
      simulator: { rateLimitPerSecond: 2, latencyMs: 200, provisioningSeconds: 0.5 },
      customers: 300,
      sentBeforeKill: 4,
    },
    {
      when: 'every customer was sent and SIGTERM comes while the run waits for Webex to provision them',
      simulator: { rateLimitPerSecond: 1000, latencyMs: 1000, provisioningSeconds: 600 },
      customers: 20,
      sentBeforeKill: 20,
    },
  ];
  for (const c of cases)
    it(`when ${c.when}, then the process has exited, lock released, within 5 s`, async () => {
      // The simulator's latency fault (simulator.latencyMs) makes each answer late.
      sim = await startSimProcess(c.simulator);
      // The defaults a deployment has (concurrency, timeouts, rate, polling), not the tests' fast ones.
      ws = await workspace(sim.url, {
        webex: {
          requestsPerSecond: 10,
          concurrency: 8,
          timeoutMs: 30_000,
          pollSeconds: 1,
          waitForProvisionedSeconds: 120,
        },
      });
      await stage(ws.db, 'acme', population(c.customers, 0, 'slow').customers);
      let child: ChildProcess | null = null;
      const run = runRtm(ws, ['provision', '--json'], {}, (p) => (child = p));
      while ((await sentCount(ws.db)) < c.sentBeforeKill)
        await new Promise((r) => setTimeout(r, 100));
      const killedAt = Date.now();
      (child as unknown as ChildProcess).kill('SIGTERM');
      const stopped = await run;
      const tookMs = Date.now() - killedAt;
      expect(stopped.signal, stopped.stderr).to.equal(null);
      expect(tookMs, `${tookMs} ms\n${stopped.stderr}`).to.be.below(5000);
      const summary = JSON.parse(stopped.stdout) as Summary;
      expect(summary.status).to.equal('attention');
      expect(await ws.db('leases').select('name')).to.deep.equal([]);
      expect(await ws.db('changes').where({ status: 'in_flight' }).select('id')).to.deep.equal([]);
    });
});

import { expect } from 'chai';
import type { Summary } from '../../src/reports/index.ts';
import type { ChildProcess } from 'node:child_process';
import {
  ledgerState,
  multiplicity,
  population,
  runRtm,
  stage,
  startSimProcess,
  type SimProcess,
  type Workspace,
  workspace,
} from './engine-support.ts';

const CUSTOMERS = 12;
const PER = 3;

/** After crashes and one clean run: each entity once in Webex, each row one outcome, each change done once. */
async function expectExactlyOnce(sim: SimProcess, ws: Workspace, prefix: string): Promise<void> {
  const { rows, changes } = await ledgerState(ws.db);
  const { customers, subscribers } = multiplicity(await sim.read(), prefix);
  expect(customers.size, 'customers in Webex').to.equal(CUSTOMERS);
  expect(
    [...customers.values()].every((n) => n === 1),
    'no customer twice',
  ).to.equal(true);
  expect(subscribers.size, 'subscribers in Webex').to.equal(CUSTOMERS * PER);
  expect(
    [...subscribers.values()].every((n) => n === 1),
    'no subscriber twice',
  ).to.equal(true);
  expect(rows).to.have.length(CUSTOMERS * (1 + PER));
  expect(rows.filter((r) => r.result !== 'created' || !r.webex_id)).to.deep.equal([]);
  expect(changes).to.have.length(CUSTOMERS * (1 + PER));
  expect(changes.filter((c) => c.status !== 'done')).to.deep.equal([]);
}

/**
 * The last run finishes; what it says needs a person is only the runs that died before it (they
 * are marked abandoned, issue 16 case 13): exit 1, attention, or 0 when none had started a run.
 */
function expectOnlyAbandonedRuns(
  last: { code: number | null; stdout: string; stderr: string },
  abandoned: number | null,
): void {
  const summary = JSON.parse(last.stdout) as Summary;
  expect(summary.attention.map((a) => a.kind).filter((k) => k !== 'run_abandoned')).to.deep.equal(
    [],
  );
  const count = summary.attention.reduce((n, a) => n + a.count, 0);
  if (abandoned !== null) expect(count).to.equal(abandoned);
  expect(last.code, last.stderr).to.equal(count > 0 ? 1 : 0);
  expect(summary.status).to.equal(count > 0 ? 'attention' : 'ok');
}

describe('provision: crashes at named points and kill -9 (separate processes)', function () {
  this.timeout(120_000);
  let sim: SimProcess;
  let ws: Workspace | null = null;
  before(async () => {
    // Latency longer than the crash delay: a request sent is committed before its answer could come.
    sim = await startSimProcess({
      rateLimitPerSecond: 1000,
      latencyMs: 120,
      provisioningSeconds: 0.1,
    });
  });
  after(async () => {
    await sim.stop();
  });
  afterEach(async () => {
    await ws?.db.destroy();
    ws = null;
  });

  it('when runs die at each named point in turn (claimed, request sent, answer received but not recorded), then a last run finishes and every entity exists once', async () => {
    ws = await workspace(sim.url);
    const pop = population(CUSTOMERS, PER, 'named');
    await stage(ws.db, 'acme', pop.customers, pop.subscribers);
    // Customer creates are the first sends of a run; subscribers (the 20th answer) come later.
    for (const spec of ['claimed:4', 'request-sent:3', 'answer-received:5', 'answer-received:20']) {
      const crashed = await runRtm(ws, ['provision'], {
        RTM_TEST_HOOKS: '1',
        RTM_CRASH_AT: spec,
        RTM_CRASH_DELAY_MS: '30',
      });
      expect(crashed.signal, `${spec}: ${crashed.stderr}`).to.equal('SIGKILL');
    }
    const last = await runRtm(ws, ['provision', '--json']);
    // Each killed run is found abandoned by the run after it; the last one by this run, which
    // says so: a person should know processes died (exit 1).
    expectOnlyAbandonedRuns(last, 1);
    const summary = JSON.parse(last.stdout) as Summary;
    expect(
      (await ws.db('runs').where({ status: 'abandoned' }).count({ n: '*' })) as { n: number }[],
    ).to.deep.equal([{ n: 4 }]);
    expect(summary.customers.created + summary.customers.unchanged).to.equal(CUSTOMERS);
    await expectExactlyOnce(sim, ws, 'named-');
  });

  it('when whole runs are killed -9 at random moments three times, then a last run finishes and every entity exists once', async () => {
    ws = await workspace(sim.url, { webex: { requestsPerSecond: 40 } });
    const pop = population(CUSTOMERS, PER, 'random');
    await stage(ws.db, 'acme', pop.customers, pop.subscribers);
    for (let i = 0; i < 3; i++) {
      // the process needs one to three seconds to start: kill somewhere in the sending that follows
      const delay = 1500 + Math.floor(Math.random() * 2000);
      let child: ChildProcess | null = null;
      const timer = setTimeout(() => child?.kill('SIGKILL'), delay);
      await runRtm(ws, ['provision'], {}, (c) => (child = c));
      clearTimeout(timer);
    }
    const last = await runRtm(ws, ['provision', '--json']);
    // Each run the kill reached is found abandoned (a kill may land after a run ended).
    expectOnlyAbandonedRuns(last, null);
    await expectExactlyOnce(sim, ws, 'random-');
  });
});

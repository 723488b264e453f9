import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../src/clock/index.ts';
import { startSimulator, type WebexCustomer } from '../../src/webex/simulator/index.ts';
import { CONFIG, CUSTOMER as SAMPLE_CUSTOMER, call } from './simulator-support.ts';

const CUSTOMER = { ...SAMPLE_CUSTOMER, externalId: 'ext-keep' };

describe('simulator: persistence', function () {
  const clock = fixedClock('2026-03-01T02:00:00Z');
  let dir: string;
  let stateFile: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rtm-sim-'));
    stateFile = path.join(dir, 'var', 'webex-simulator.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('when restarted on the same state file, then the next run sees the same customers, moved on by the clock', async () => {
    const first = await startSimulator({ config: CONFIG, clock, stateFile });
    const created = await call<{ url: string }>(first, 'POST', '/wholesale/customers', CUSTOMER);
    const id = created.body.url.split('/').pop() ?? '';
    await first.close();

    clock.advance(5000);
    const second = await startSimulator({ config: CONFIG, clock, stateFile });
    try {
      const res = await call<WebexCustomer>(second, 'GET', `/wholesale/customers/${id}`);
      expect([res.status, res.body.externalId, res.body.status]).to.deep.equal([
        200,
        'ext-keep',
        'provisioned',
      ]);
      expect(res.body.orgId).to.be.a('string');
    } finally {
      await second.close();
    }
    expect(await readdir(path.dirname(stateFile))).to.deep.equal(['webex-simulator.json']);
  });

  it('when changes come in a burst, then the state file is written shortly after without waiting for close', async () => {
    const sim = await startSimulator({ config: CONFIG, clock, stateFile });
    try {
      await Promise.all(
        [1, 2, 3].map((i) =>
          call(sim, 'POST', '/wholesale/customers', { ...CUSTOMER, externalId: `burst-${i}` }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const saved = JSON.parse(await readFile(stateFile, 'utf8')) as {
        customers: Array<{ externalId: string }>;
      };
      expect(saved.customers.map((c) => c.externalId).sort()).to.deep.equal([
        'burst-1',
        'burst-2',
        'burst-3',
      ]);
    } finally {
      await sim.close();
    }
  });

  it('when the state file is not simulator state, then start fails naming the file and what to do', async () => {
    await writeFile(path.join(dir, 'broken.json'), '{"version":1,"customers":"nope"}');
    let failure: Error | null = null;
    try {
      await startSimulator({ config: CONFIG, clock, stateFile: path.join(dir, 'broken.json') });
    } catch (err) {
      failure = err as Error;
    }
    expect(failure?.message).to.contain('broken.json').and.to.contain('move it away');
  });
});

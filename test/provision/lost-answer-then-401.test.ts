import { expect } from 'chai';
import type { DatabaseConfig } from '../../src/config/index.ts';
import type { RunningSimulator } from '../../src/webex/simulator/index.ts';
import { startTestSimulator } from '../webex/simulator-support.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { customerDoc } from '../support/staging.ts';
import { runRtm, stage, workspace } from './engine-support.ts';

for (const backend of backends()) {
  describe(`provision: a create whose answer was lost, then a 401 on its look-up (${backend})`, () => {
    let sim: RunningSimulator | null = null;
    let proxy: FaultProxy | null = null;
    let pg: TestDb | null = null;
    afterEach(async () => {
      await proxy?.close();
      await sim?.close();
      await pg?.close();
    });

    it('when the next night runs with a good token, then it looks the customer up and finds it: created once, the row created', async function () {
      this.timeout(120_000);
      sim = await startTestSimulator({ provisioningSeconds: 0.1 });
      let posts = 0;
      let lookups = 0;
      proxy = await startFaultProxy(sim.url, ({ method, path }) => {
        if (method === 'POST' && /\/wholesale\/customers$/.test(path.split('?')[0] ?? ''))
          return ++posts === 1 ? 'lose-answer' : 'pass';
        if (method === 'GET' && path.includes('externalId=') && ++lookups === 1)
          return {
            status: 401,
            body: { message: 'The request requires a valid access token.', trackingId: 'T401' },
          };
        return 'pass';
      });
      let database: DatabaseConfig | undefined;
      if (backend === 'pg') {
        pg = await freshDb('pg');
        const url = new URL(process.env.DATABASE_URL as string);
        url.searchParams.set('options', `-c search_path=${pg.searchPath}`);
        database = { client: 'pg', connection: url.toString() };
      }
      const ws = await workspace(proxy.url, {
        ...(database ? { database } : {}),
        webex: { pollSeconds: 0.1, waitForProvisionedSeconds: 10 },
      });
      const env = {};
      try {
        await stage(ws.db, 'acme', [customerDoc('lost-1')]);
        const first = await runRtm(ws, ['provision', '--json'], env);
        expect(first.code, first.stderr).to.be.oneOf([0, 1]);
        expect(posts, 'the create was sent and its answer lost').to.equal(1);
        expect(lookups, 'the look-up before a resend was refused').to.equal(1);
        const change = (await ws.db('changes').first('status')) as { status: string };
        expect(change.status).to.equal('unknown');

        const second = await runRtm(ws, ['provision', '--json'], env);
        expect(second.code, second.stderr).to.equal(0);
        expect(posts, 'no create was sent again').to.equal(1);
        expect(sim.stats().createsByExternalId).to.deep.equal({ 'lost-1': 1 });
        expect(sim.state.customers.size).to.equal(1);
        const row = (await ws.db('row_outcomes').first('result')) as { result: string };
        expect(row.result).to.equal('created');
      } finally {
        await ws.db.destroy();
      }
    });
  });
}

import { expect } from 'chai';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { listSchemaVersions } from '../../src/store/index.ts';
import type { RunningSimulator } from '../../src/webex/simulator/index.ts';
import { startTestSimulator } from '../webex/simulator-support.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';

describe('cli: doctor (issue 19, item 3)', () => {
  let sim: RunningSimulator | null = null;
  let proxy: FaultProxy | null = null;
  afterEach(async () => {
    await proxy?.close();
    await sim?.close();
    proxy = null;
    sim = null;
  });

  it('when everything a run needs is in place, then doctor says so for each check and exits 0', async function () {
    this.timeout(60_000);
    sim = await startTestSimulator();
    const home = tempHome();
    writeConfig(home, {
      webex: { baseUrl: sim.url },
      partners: { acme: { webex: { tokenEnv: 'ACME_TOKEN' } } },
    });
    expect((await runCli(['init'], { home })).code).to.equal(0);
    expect((await runCli(['status'], { home })).code).to.equal(0);
    const run = await runCli(['doctor'], { home, env: { ACME_TOKEN: 'good' } });
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const latest = (await listSchemaVersions()).at(-1) as string;
    expect(run.stdout).to.match(new RegExp(`^ok +database: .*schema version ${latest}$`, 'm'));
    expect(run.stdout).to.match(/^ok +partner acme: .* answers and accepts the token$/m);
    expect(run.stdout).to.match(/^ok +disk: [\d.]+ GiB free/m);
    expect(run.stdout).to.contain('all checks passed');
  });

  it('when a token is refused, another is missing and a folder cannot be written, then doctor names each with its fix and exits 1', async function () {
    this.timeout(60_000);
    sim = await startTestSimulator();
    proxy = await startFaultProxy(sim.url, ({ headers }) =>
      headers.authorization === 'Bearer revoked'
        ? { status: 401, body: { message: 'The request requires a valid access token.' } }
        : 'pass',
    );
    const home = tempHome();
    writeConfig(home, {
      webex: { baseUrl: proxy.url },
      partners: {
        acme: { webex: { tokenEnv: 'ACME_TOKEN' } },
        beta: { webex: { tokenEnv: 'BETA_TOKEN' } },
        sakura: { webex: { tokenEnv: 'SAKURA_TOKEN' } },
      },
    });
    mkdirSync(path.join(home, 'outbox'));
    chmodSync(path.join(home, 'outbox'), 0o500);
    const run = await runCli(['doctor'], {
      home,
      env: { ACME_TOKEN: 'revoked', SAKURA_TOKEN: 'good', BETA_TOKEN: undefined },
    });
    chmodSync(path.join(home, 'outbox'), 0o700);
    expect(run.code, run.stdout + run.stderr).to.equal(1);
    expect(run.stdout).to.match(
      /^FAIL {2}partner acme: .* refused the token in ACME_TOKEN \(HTTP 401\)$/m,
    );
    expect(run.stdout).to.match(/^FAIL {2}partner beta: no token: .*BETA_TOKEN is not set$/m);
    expect(run.stdout).to.match(/fix: export BETA_TOKEN=<token>/);
    expect(run.stdout).to.match(/^ok +partner sakura: /m);
    if (process.getuid?.() !== 0)
      expect(run.stdout).to.match(/^FAIL {2}folder outbox\/: .*EACCES/m);
    expect(run.stdout).not.to.contain('revoked');
  });

  it('when the configuration is broken, then doctor lists the errors and exits 1 instead of 2', async function () {
    this.timeout(30_000);
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: -1 }, nope: true });
    const run = await runCli(['doctor'], { home });
    expect(run.code).to.equal(1);
    expect(run.stdout.match(/^FAIL {2}config: /gm)).to.have.length(2);
  });
});

import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { validateSummary, type ChangeCounts, type Summary } from '../../src/reports/index.ts';
import type { RunningSimulator } from '../../src/webex/simulator/index.ts';
import { startTestSimulator } from '../webex/simulator-support.ts';
import { REPO_ROOT, runCli, tempHome, writeConfig } from '../support/cli.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { customersCsv, dropFile, subscribersCsv } from '../support/sheets.ts';

const OLD = new Date(Date.now() - 3_600_000);

const drop = (home: string, partner: string, name: string, text: string) =>
  dropFile(path.join(home, 'inbox', partner), name, text, OLD);

const sum = (c: ChangeCounts) =>
  c.created + c.updated + c.unchanged + c.deleted + c.failed + c.pending;

describe('e2e: runs that need a person end attention, and their counts add up (issue 16, cases 10 and 11)', () => {
  let sim: RunningSimulator | null = null;
  let proxy: FaultProxy | null = null;
  afterEach(async () => {
    await proxy?.close();
    await sim?.close();
  });

  it("when Webex refuses one partner's token half-way, then every accepted change has one outcome, the refused ones pending, and the run ends attention naming the partner", async function () {
    this.timeout(120_000);
    sim = await startTestSimulator({ provisioningSeconds: 0.1 });
    // pa's token is revoked once its customers are made: every subscriber call with it gets 401.
    proxy = await startFaultProxy(sim.url, ({ path: p, headers }) =>
      headers.authorization === 'Bearer pa-token' && p.includes('/wholesale/subscribers')
        ? {
            status: 401,
            body: { message: 'The request requires a valid access token.', trackingId: 'T401' },
          }
        : 'pass',
    );
    const home = tempHome();
    writeConfig(home, {
      inbox: { stableSeconds: 0 },
      webex: {
        baseUrl: proxy.url,
        requestsPerSecond: 200,
        pollSeconds: 0.1,
        waitForProvisionedSeconds: 20,
      },
      partners: {
        pa: { webex: { tokenEnv: 'PA_TOKEN' } },
        pb: { webex: { tokenEnv: 'PB_TOKEN' } },
      },
    });
    drop(home, 'pa', 'customers.csv', customersCsv('pa', 20));
    drop(home, 'pa', 'subscribers.csv', subscribersCsv('pa', 20, 3));
    drop(home, 'pb', 'customers.csv', customersCsv('pb', 20));
    drop(home, 'pb', 'subscribers.csv', subscribersCsv('pb', 20, 4));
    const run = await runCli(['nightly', '--json'], {
      home,
      env: { PA_TOKEN: 'pa-token', PB_TOKEN: 'pb-token' },
    });
    const s = JSON.parse(run.stdout) as Summary;
    expect(validateSummary(s)).to.deep.equal([]);
    expect(s.rows).to.deep.equal({ total: 180, accepted: 180, rejected: 0 });
    // Before: exit 0 "ok", and pa's 60 subscribers were counted nowhere (120 of 180).
    expect(sum(s.customers) + sum(s.subscribers)).to.equal(180);
    expect(s.customers).to.include({ created: 40 });
    expect(s.subscribers).to.include({ created: 80, pending: 60 });
    expect(run.code, run.stderr).to.equal(1);
    expect(s.status).to.equal('attention');
    const refused = s.attention.find((a) => a.kind === 'token_refused');
    expect(refused).to.include({ partner: 'pa', count: 60 });
  });

  it('when SIGTERM stops a nightly run during its import, then it ends attention with the files left unread and the staged changes unsent, all counted', async function () {
    this.timeout(120_000);
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    // Five customers, then 40,000 rows refused for their email: slow to read, quick to send.
    const bad = customersCsv('bad', 40_000).split('\n').slice(1).join('\n').replace(/it@/g, 'it ');
    drop(home, 'acme', 'big.csv', customersCsv('big', 5) + bad);
    const small = path.join(home, 'inbox', 'acme', 'small.csv');
    writeFileSync(small, customersCsv('small', 5));
    // Newer: read after big.csv.
    const later = new Date(OLD.getTime() + 60_000);
    utimesSync(small, later, later);
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'rtm-batch.js'), 'nightly', '--json'],
      { env: { ...process.env, RTM_HOME: home, DATABASE_URL: '' }, cwd: home },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Stopped once the run has taken the files out of the drop zone to read them.
    const claims = path.join(home, 'inbox', 'acme', '.rtm-claims');
    while (child.exitCode === null && !(existsSync(claims) && readdirSync(claims).length > 0))
      await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGTERM');
    const code =
      child.exitCode ?? (await new Promise<number | null>((resolve) => child.on('exit', resolve)));
    const s = JSON.parse(stdout) as Summary;
    expect(validateSummary(s)).to.deep.equal([]);
    expect(code, stderr).to.equal(1);
    expect(s.status).to.equal('attention');
    const unread = s.attention.find((a) => a.kind === 'files_unread');
    expect(unread?.partner).to.equal('acme');
    expect(unread?.count).to.be.greaterThanOrEqual(1);
    // Whatever was staged before the stop is counted, as not sent yet.
    expect(sum(s.customers)).to.equal(s.rows.accepted);
    expect(s.customers.pending).to.equal(s.rows.accepted);
    if (s.rows.accepted > 0)
      expect(s.attention.find((a) => a.kind === 'unsent_changes')).to.include({
        partner: 'acme',
        count: s.rows.accepted,
      });
    // The next run reads what was left and sends everything.
    const next = await runCli(['nightly', '--json'], { home });
    const s2 = JSON.parse(next.stdout) as Summary;
    expect(s2.attention).to.deep.equal([]);
    expect(s2.customers.created).to.equal(10);
  });
});

// Cases the soak campaign (issue #17, `npm run soak`) found, each replayed end to end: partner sheets
// in an inbox, `rtm-batch` in its own process on the night's clock (RTM_NOW), the simulator in this
// process on the same clock, the ledger on SQLite or PostgreSQL.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import type { ChildProcess } from 'node:child_process';
import knexFactory, { type Knex } from 'knex';
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClock } from '../../src/clock/index.ts';
import type { SimulatorConfig } from '../../src/config/index.ts';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { startSimulator, type RunningSimulator } from '../../src/webex/simulator/index.ts';
import { tempHome } from '../support/cli.ts';
import { backends, freshDb, type Backend, type TestDb } from '../support/db.ts';
import { runRtm, workspace, type Workspace } from './engine-support.ts';

const DAY = 86_400_000;
const NIGHT_1 = Date.parse('2026-03-02T01:00:00Z');

const SIM: SimulatorConfig = {
  rateLimitPerSecond: 1000,
  latencyMs: 0,
  faultRate: 0,
  rplMatch: null,
  rplReviewMinutes: 0,
  provisioningSeconds: 0.2,
};

const SUBSCRIBER_HEADER = 'Customer external ID,Email,First name,Last name,Package,Admin';
const CUSTOMER_HEADER =
  'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages,Provisioning ID';

function customerLine(id: string, name: string, street = '1 Main St'): string {
  return `${id},${name},admin@${id}.example,${street},Austin,TX,78701,US,webex_meetings,P1`;
}

function userLine(customer: string, email: string): string {
  return `${customer},${email},Test,User,webex_meetings,no`;
}

function drop(ws: Workspace, name: string, lines: string[], partner = 'acme'): void {
  const inbox = path.join(ws.home, 'inbox', partner);
  mkdirSync(inbox, { recursive: true });
  const file = path.join(inbox, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const old = new Date(Date.now() - 60_000);
  utimesSync(file, old, old);
}

/** The data rows of a results file in outbox/acme, by header. */
function results(ws: Workspace, name: string): Record<string, string>[] {
  const text = readFileSync(path.join(ws.home, 'outbox', 'acme', `${name}.results.csv`), 'utf8');
  return parse(text, { columns: true, bom: true }) as Record<string, string>[];
}

for (const backend of backends()) {
  describe(`soak cases, replayed (${backend})`, function () {
    this.timeout(120_000);
    let sim: RunningSimulator | null = null;
    let ws: Workspace | null = null;
    let pg: TestDb | null = null;
    let stateFile = '';
    let port = 0;

    afterEach(async () => {
      await sim?.close();
      sim = null;
      if (pg) await pg.close();
      else await ws?.db.destroy();
      pg = null;
      ws = null;
    });

    async function openWorkspace(b: Backend, url: string): Promise<Workspace> {
      const webex = { waitForProvisionedSeconds: 3, pollSeconds: 0.1 };
      if (b === 'sqlite') return workspace(url, { webex });
      pg = await freshDb('pg');
      const conn = new URL(process.env.DATABASE_URL as string);
      conn.searchParams.set('options', `-c search_path=${pg.searchPath}`);
      const w = await workspace(url, {
        database: { client: 'pg', connection: conn.toString() },
        webex,
      });
      await w.db.destroy();
      w.db = pg.db;
      return w;
    }

    /** Night `n`: the simulator (re)started on that night's clock with `config`. */
    async function night(n: number, config: Partial<SimulatorConfig> = {}): Promise<number> {
      const nowMs = NIGHT_1 + (n - 1) * DAY;
      await sim?.close();
      sim = await startSimulator({
        config: { ...SIM, ...config },
        clock: createClock(nowMs),
        stateFile,
        port,
      });
      port = sim.port;
      return nowMs;
    }

    async function nightly(
      nowMs: number,
      env: Record<string, string> = {},
    ): Promise<{ code: number | null; summary: Summary }> {
      const res = await runRtm(ws as Workspace, ['nightly', '--json'], {
        RTM_NOW: new Date(nowMs).toISOString(),
        BETA_TOKEN: 'beta-token-5678',
        ...env,
      });
      expect(res.stdout, res.stderr).to.not.equal('');
      const summary = JSON.parse(res.stdout) as Summary;
      expect(validateSummary(summary)).to.deep.equal([]);
      return { code: res.code, summary };
    }

    beforeEach(async () => {
      stateFile = path.join(tempHome('rtm-soak-case-'), 'state.json');
      port = 0;
      await night(1);
      ws = await openWorkspace(backend, (sim as RunningSimulator).url);
    });

    it('when an RPL review clears on a row of a file that a later upload under the same name replaced, then the results file keeps the later upload’s rows (soak seed 3, night 7)', async () => {
      // Night 1: "Hold One" stays in RPL review; its row says pending.
      let now = await night(1, { rplMatch: '^Hold' });
      drop(ws as Workspace, 'customers.csv', [
        CUSTOMER_HEADER,
        customerLine('sc-1', 'Hold One'),
        customerLine('sc-2', 'Plain Two'),
      ]);
      expect((await nightly(now)).summary.customers).to.include({ created: 1, pending: 1 });
      // Night 2: the partner uploads customers.csv again, with another customer.
      now = await night(2, { rplMatch: '^Hold' });
      drop(ws as Workspace, 'customers.csv', [
        CUSTOMER_HEADER,
        customerLine('sc-3', 'Plain Three'),
      ]);
      expect((await nightly(now)).summary.customers).to.include({ created: 1, pending: 1 });
      expect(results(ws as Workspace, 'customers.csv').map((r) => r['External ID'])).to.deep.equal([
        'sc-3',
      ]);

      // Night 3: the review clears; the first file's row is created at last.
      now = await night(3);
      expect((await nightly(now)).summary.customers).to.include({ created: 1 });
      const first = (await (ws as Workspace)
        .db('row_outcomes as o')
        .join('files as f', 'f.id', 'o.file_id')
        .where({ 'o.entity_key': 'sc-1' })
        .first('o.result')) as { result: string };
      expect(first.result).to.equal('created');
      // Before: the first file's results were written over the second's, under its name.
      expect(
        results(ws as Workspace, 'customers.csv').map((r) => [r['External ID'], r.result]),
      ).to.deep.equal([['sc-3', 'created']]);
    });

    it('when users wait for a customer in RPL review, or a row repeats what Webex has, then each row says pending or unchanged, as the summary counts it (soak seed 1, night 1; seed 2, night 4)', async () => {
      let now = await night(1, { rplMatch: '^Hold' });
      drop(ws as Workspace, 'customers.csv', [
        CUSTOMER_HEADER,
        customerLine('sw-1', 'Hold One'),
        customerLine('sw-2', 'Plain Two'),
      ]);
      drop(ws as Workspace, 'users.csv', [
        SUBSCRIBER_HEADER,
        userLine('sw-1', 'a@sw-1.example'),
        userLine('sw-2', 'b@sw-2.example'),
      ]);
      const first = await nightly(now);
      expect(first.summary.subscribers).to.include({ created: 1, pending: 1 });
      // Before: the waiting user's row stayed "accepted", which is no outcome.
      expect(results(ws as Workspace, 'users.csv').map((r) => [r.Email, r.result])).to.deep.equal([
        ['a@sw-1.example', 'pending'],
        ['b@sw-2.example', 'created'],
      ]);

      // The partner sends sw-2 again as it is: its row is unchanged, not "accepted".
      now = await night(2, { rplMatch: '^Hold' });
      drop(ws as Workspace, 'customers-again.csv', [
        CUSTOMER_HEADER,
        customerLine('sw-2', 'Plain Two'),
      ]);
      const second = await nightly(now);
      expect(second.summary.customers).to.include({ unchanged: 1, pending: 1 });
      expect(results(ws as Workspace, 'customers-again.csv').map((r) => r.result)).to.deep.equal([
        'unchanged',
      ]);

      // The review clears: the user is created and its row says so.
      now = await night(3);
      const third = await nightly(now);
      expect(third.summary.subscribers).to.include({ created: 1 });
      expect(results(ws as Workspace, 'users.csv').map((r) => r.result)).to.deep.equal([
        'created',
        'created',
      ]);
      const empty = (await (ws as Workspace)
        .db('row_outcomes')
        .where({ outcome: 'accepted' })
        .whereNull('result')
        .count({ n: '*' })) as { n: number | string }[];
      expect(Number(empty[0]?.n)).to.equal(0);
    });

    it('when a run is killed after it recorded outcomes and before it rewrote the results files, then the next run rewrites them (soak seed 5, night 6)', async () => {
      // A second partner, sent after acme: the kill lands on its create.
      const configFile = path.join((ws as Workspace).home, 'rtm-batch.config.json');
      const config = JSON.parse(readFileSync(configFile, 'utf8')) as {
        partners: Record<string, unknown>;
      };
      config.partners.beta = { webex: { tokenEnv: 'BETA_TOKEN' } };
      writeFileSync(configFile, JSON.stringify(config));
      let now = await night(1);
      drop(ws as Workspace, 'customers.csv', [CUSTOMER_HEADER, customerLine('sk-1', 'Plain One')]);
      expect((await nightly(now)).summary.customers).to.include({ created: 1 });

      now = await night(2);
      drop(ws as Workspace, 'users.csv', [
        SUBSCRIBER_HEADER,
        userLine('sk-1', 'a@sk-1.example'),
        userLine('sk-1', 'b@sk-1.example'),
      ]);
      drop(
        ws as Workspace,
        'customers.csv',
        [CUSTOMER_HEADER, customerLine('sk-b', 'Beta')],
        'beta',
      );
      // acme's two users are created and recorded; the process dies on beta's answer.
      const killed = await runRtm(ws as Workspace, ['nightly', '--json'], {
        RTM_NOW: new Date(now).toISOString(),
        BETA_TOKEN: 'beta-token-5678',
        RTM_TEST_HOOKS: '1',
        RTM_CRASH_AT: 'answer-received:3',
      });
      expect(killed.signal).to.equal('SIGKILL');
      const recorded = (await (ws as Workspace)
        .db('row_outcomes')
        .where('entity_key', 'like', 'sk-1/%')
        .orderBy('row_number')
        .pluck('result')) as string[];
      expect(recorded).to.deep.equal(['created', 'created']);
      // A nightly writes its files' results at its end (issue 18): this one never got there.
      expect(
        existsSync(path.join((ws as Workspace).home, 'outbox', 'acme', 'users.csv.results.csv')),
      ).to.equal(false);

      now = await night(3);
      await nightly(now);
      // Before: nothing of users.csv changed in this run, so its results file was never rewritten
      // (it kept the import's 'accepted').
      expect(results(ws as Workspace, 'users.csv').map((r) => r.result)).to.deep.equal([
        'created',
        'created',
      ]);
    });

    it('when a customer’s create completes during a run that also staged a newer row for it, then the newer row says pending until its update is sent (soak seed 5, night 8)', async () => {
      let now = await night(1, { rplMatch: '^Hold' });
      drop(ws as Workspace, 'customers.csv', [CUSTOMER_HEADER, customerLine('sn-1', 'Hold Five')]);
      expect((await nightly(now)).summary.customers).to.include({ pending: 1 });

      // The review clears overnight; the partner moves the customer the same day.
      now = await night(2);
      drop(ws as Workspace, 'customers-moved.csv', [
        CUSTOMER_HEADER,
        customerLine('sn-1', 'Hold Five', '9 Congress Ave'),
      ]);
      const second = await nightly(now);
      // The create is what this run completed; the move waits for the next run.
      expect(second.summary.customers).to.include({ created: 1 });
      expect(results(ws as Workspace, 'customers.csv').map((r) => r.result)).to.deep.equal([
        'created',
      ]);
      // Before: the newer row kept no outcome ("accepted").
      expect(results(ws as Workspace, 'customers-moved.csv').map((r) => r.result)).to.deep.equal([
        'pending',
      ]);

      now = await night(3);
      expect((await nightly(now)).summary.customers).to.include({ updated: 1 });
      expect(results(ws as Workspace, 'customers-moved.csv').map((r) => r.result)).to.deep.equal([
        'updated',
      ]);
    });

    it('when a customer under RPL review is deprovisioned, then the rows that waited for it (its create, its users) say failed RPL_DEPROVISIONED, not pending for ever (soak seed 2, night 5)', async () => {
      const now = await night(1, { rplMatch: '^Hold' });
      drop(ws as Workspace, 'customers.csv', [CUSTOMER_HEADER, customerLine('sr-1', 'Hold One')]);
      drop(ws as Workspace, 'users.csv', [SUBSCRIBER_HEADER, userLine('sr-1', 'a@sr-1.example')]);
      const first = await nightly(now);
      expect(first.summary.customers).to.include({ pending: 1 });
      expect(results(ws as Workspace, 'users.csv').map((r) => r.result)).to.deep.equal(['pending']);

      // Ops could not reach the partner three times: a deprovisioning candidate (R-RPL-5).
      const at = { RTM_NOW: new Date(now + 3_600_000).toISOString() };
      for (let i = 0; i < 3; i++) {
        const contact = await runRtm(
          ws as Workspace,
          ['--partner', 'acme', 'rpl', 'contact', '--customer', 'sr-1', '--outcome', 'unreachable'],
          at,
        );
        expect(contact.code, contact.stderr).to.equal(0);
      }
      const planFile = path.join((ws as Workspace).home, 'plan.json');
      const plan = await runRtm(ws as Workspace, ['deprovision', '--plan', '--out', planFile], at);
      expect(plan.code, plan.stderr).to.equal(0);
      const apply = await runRtm(
        ws as Workspace,
        ['deprovision', '--apply', planFile, '--json'],
        at,
      );
      const summary = JSON.parse(apply.stdout) as Summary;
      expect(summary.customers).to.include({ deleted: 1 });
      expect(
        [...(sim as RunningSimulator).state.customers.values()].map((c) => c.externalId),
      ).to.deep.equal([]);

      // Before: both rows said pending for ever.
      for (const name of ['customers.csv', 'users.csv']) {
        const [row] = results(ws as Workspace, name);
        expect(row, name).to.include({ result: 'failed', code: 'RPL_DEPROVISIONED' });
        expect(row?.message).to.match(/sr-1.*R-RPL-5/);
      }
    });
  });
}

describe('soak cases, replayed: signals', function () {
  this.timeout(60_000);

  it('when SIGTERM reaches a nightly while it waits to open the ledger, then the run stops at once and still ends with its summary and one of its exit codes (soak seed 7, night 1)', async () => {
    const sim = await startSimulator({ config: SIM, clock: createClock(null), stateFile: null });
    const home = tempHome('rtm-soak-signal-');
    const ledger = path.join(home, 'var', 'rtm-batch.sqlite');
    mkdirSync(path.dirname(ledger), { recursive: true });
    writeFileSync(
      path.join(home, 'rtm-batch.config.json'),
      JSON.stringify({
        inbox: { stableSeconds: 0 },
        webex: { baseUrl: sim.url },
        partners: { acme: { webex: { tokenEnv: 'ACME_TOKEN' } } },
        database: { client: 'sqlite3', connection: ledger },
      }),
    );
    // A first run of the night holds the new ledger while it creates it: this one must wait.
    const hold: Knex = knexFactory({
      client: 'sqlite3',
      connection: { filename: ledger },
      useNullAsDefault: true,
    });
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const writer = hold.transaction(async (trx) => {
      await trx.raw('CREATE TABLE zz_hold (x INTEGER)');
      await held;
      throw new Error('rolled back');
    });
    writer.catch(() => undefined);
    try {
      drop({ home } as Workspace, 'customers.csv', [
        CUSTOMER_HEADER,
        customerLine('sg-1', 'Plain'),
      ]);
      let child: ChildProcess | null = null;
      const run = runRtm({ home } as Workspace, ['nightly', '--json'], {}, (c) => (child = c));
      // The command is past its start once it made var/logs; it then waits for the ledger.
      while (!existsSync(path.join(home, 'var', 'logs')))
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 500));
      (child as ChildProcess | null)?.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      release();
      await writer.catch(() => undefined);
      const res = await run;
      // Before: SIGTERM's default action ended it, with nothing on stdout.
      expectStoppedBeforeItBegan(res, sim);
    } finally {
      release();
      await hold.destroy();
      await sim.close();
    }
  });

  it('when SIGTERM reaches a nightly while its modules still load, then the command stops with its summary and one of its exit codes, and `status` still dies by the signal (soak seed 11, night 3)', async () => {
    const sim = await startSimulator({ config: SIM, clock: createClock(null), stateFile: null });
    const home = tempHome('rtm-soak-early-signal-');
    writeFileSync(
      path.join(home, 'rtm-batch.config.json'),
      JSON.stringify({
        inbox: { stableSeconds: 0 },
        webex: { baseUrl: sim.url },
        partners: { acme: { webex: { tokenEnv: 'ACME_TOKEN' } } },
        database: { client: 'sqlite3', connection: path.join(home, 'var', 'rtm-batch.sqlite') },
      }),
    );
    // A module hook holds the CLI's main module back (as a busy machine does) and says when.
    const marker = path.join(home, 'loading');
    const hooks = path.join(home, 'slow-hooks.mjs');
    writeFileSync(
      hooks,
      `import { writeFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.endsWith('/dist/src/cli/main.js')) {
    writeFileSync(${JSON.stringify(marker)}, '');
    await new Promise((r) => setTimeout(r, 1500));
  }
  return next(url, context);
}
`,
    );
    const register = path.join(home, 'slow-register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`,
    );
    const env = { NODE_OPTIONS: `--import ${new URL(`file://${register}`).href}` };
    const signalWhileLoading = async (args: string[]) => {
      rmSync(marker, { force: true });
      let child: ChildProcess | null = null;
      const run = runRtm({ home } as Workspace, args, env, (c) => (child = c));
      while (!existsSync(marker)) await new Promise((r) => setTimeout(r, 10));
      (child as ChildProcess | null)?.kill('SIGTERM');
      return run;
    };
    try {
      drop({ home } as Workspace, 'customers.csv', [
        CUSTOMER_HEADER,
        customerLine('sg-1', 'Plain'),
      ]);
      const res = await signalWhileLoading(['nightly', '--json']);
      // Before: SIGTERM's default action ended it while main.js loaded, with nothing on stdout.
      expectStoppedBeforeItBegan(res, sim);
      // A command that does not take signals obeys one that came while it loaded, as by default.
      const status = await signalWhileLoading(['status']);
      expect(status.signal).to.equal('SIGTERM');
    } finally {
      await sim.close();
    }
  });
});

/**
 * A run whose SIGTERM came before it began: it ends by itself, with a valid summary whose exit code
 * is the process's, and the signal is not forgotten: nothing is read or sent.
 */
function expectStoppedBeforeItBegan(
  res: { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string },
  sim: RunningSimulator,
): void {
  expect(res.signal, res.stderr).to.equal(null);
  const summary = JSON.parse(res.stdout) as Summary;
  expect(validateSummary(summary)).to.deep.equal([]);
  expect(res.code).to.equal(summary.exitCode);
  expect(summary.notes.join(' ')).to.match(/interrupted/);
  expect(summary.rows.total).to.equal(0);
  expect(sim.stats().requests).to.equal(0);
}

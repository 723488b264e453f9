import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ChangeCounts, Summary } from '../../src/reports/index.ts';
import type { Db } from '../../src/store/index.ts';
import { runCli, tempHome, writeConfig, type CliResult } from '../support/cli.ts';
import { backends, cliLedger, type Backend, type CliLedger } from '../support/db.ts';
import { dropEveryFixture, fixtureFiles } from '../support/fixtures.ts';
import { dropFile } from '../support/sheets.ts';

// Issue 18 item 2: `nightly --dry-run` and `provision --dry-run` over every fixture tell what the
// real run that follows them does, and change nothing on the way.

/** Every file under the workspace's folders that runs move or write, with its size. */
function workspaceFiles(home: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(`${path.relative(home, full)} ${statSync(full).size}`);
    }
  };
  for (const dir of ['inbox', 'archive', 'quarantine', 'outbox']) walk(path.join(home, dir));
  return out.sort();
}

/** A workspace and its ledger: SQLite in the workspace, or a fresh PostgreSQL schema. */
interface Workspace {
  home: string;
  backend: Backend;
  ledger: CliLedger;
}

/** Workspaces of the running test, whose ledgers are closed (a PostgreSQL schema dropped) after it. */
const opened: Workspace[] = [];

async function workspace(backend: Backend): Promise<Workspace> {
  const home = tempHome();
  writeConfig(home, FAST);
  const ws = { home, backend, ledger: await cliLedger(backend, home) };
  opened.push(ws);
  return ws;
}

/** Runs the command in the workspace, on its ledger. */
const run = (ws: Workspace, args: string[]) => runCli(args, { home: ws.home, env: ws.ledger.env });

/** Rows per table of the ledger. */
async function tableCounts(db: Db, backend: Backend): Promise<Record<string, number>> {
  const tables = (
    backend === 'pg'
      ? await db('information_schema.tables')
          .whereRaw('table_schema = current_schema()')
          .pluck('table_name')
      : await db('sqlite_master')
          .where({ type: 'table' })
          .whereNot('name', 'like', 'sqlite_%')
          .pluck('name')
  ) as string[];
  const counts: Record<string, number> = {};
  for (const t of tables.sort()) {
    const [row] = (await db(t).count({ n: '*' })) as { n: number | string }[];
    counts[t] = Number(row?.n ?? 0);
  }
  return counts;
}

/** What the embedded simulator holds (its state file): a request that changed Webex changes it. */
function webexState(home: string): string | null {
  const file = path.join(home, 'var', 'simulator', 'state.json');
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : null;
}

/** Everything of the workspace a dry run must leave as it was. */
async function snapshot(ws: Workspace) {
  return {
    files: workspaceFiles(ws.home),
    tables: await tableCounts(ws.ledger.open(), ws.backend),
    webex: webexState(ws.home),
    dryRuns: (await ws.ledger.open()('runs').where({ dry_run: true }).pluck('id')) as string[],
  };
}

/** Runs a dry run and checks it changed nothing but its one run record, marked dry. */
async function dryRun(
  ws: Workspace,
  args: string[],
): Promise<{ cli: CliResult; summary: Summary }> {
  const before = await snapshot(ws);
  const cli = await run(ws, [...args, '--dry-run', '--json']);
  const summary = JSON.parse(cli.stdout) as Summary;
  const after = await snapshot(ws);
  expect(after.files, 'no file moved or written').to.deep.equal(before.files);
  expect(after.webex, 'no request changed Webex').to.equal(before.webex);
  expect(after.tables, 'no ledger row but the run').to.deep.equal({
    ...before.tables,
    runs: (before.tables.runs ?? 0) + 1,
  });
  expect(after.dryRuns.sort()).to.deep.equal([...before.dryRuns, summary.runId].sort());
  return { cli, summary };
}

/** What an operator reads of a run, besides the plan. */
const outcome = (s: Summary) => ({
  files: s.files.map((f) => [f.partner, f.name, f.status, f.code, f.rows]).sort(),
  rows: s.rows,
  issueCounts: s.issueCounts,
  attention: (s.attention ?? []).map((a) => [a.kind, a.partner ?? null, a.count]).sort(),
  exitCode: s.exitCode,
  status: s.status,
});

/** A real run's changes per entity, in the plan's terms; nothing may have failed or be pending. */
function done(c: ChangeCounts) {
  expect({ failed: c.failed, pending: c.pending }).to.deep.equal({ failed: 0, pending: 0 });
  return { create: c.created, update: c.updated, delete: c.deleted, unchanged: c.unchanged };
}

/**
 * A dry run of `command`, then the real one: the dry run's outcome, exit code and plan per entity
 * are what the real run then did. Returns the real run's summary.
 */
async function dryThenReal(ws: Workspace, command: 'nightly' | 'provision'): Promise<Summary> {
  const dry = await dryRun(ws, [command]);
  const real = await run(ws, [command, '--json']);
  const summary = JSON.parse(real.stdout) as Summary;
  expect(outcome(dry.summary)).to.deep.equal(outcome(summary));
  expect(dry.cli.code).to.equal(real.code);
  expect(dry.summary.plan?.customers).to.deep.equal(done(summary.customers));
  expect(dry.summary.plan?.subscribers).to.deep.equal(done(summary.subscribers));
  return summary;
}

/** Fast Webex: customers provisioned at once, no rate limit to wait for. */
const FAST = {
  inbox: { stableSeconds: 0 },
  simulator: { provisioningSeconds: 0, rateLimitPerSecond: 1000 },
  webex: { requestsPerSecond: 1000 },
};

describe('e2e: nightly and provision --dry-run tell what the real run then does (issue 18, item 2)', () => {
  afterEach(async () => {
    for (const ws of opened.splice(0)) await ws.ledger.close();
  });

  it('when every fixture is in the inbox, then nightly --dry-run gives the counts, issues, plan per entity, attention and exit code of the real nightly that follows, and changes nothing', async function () {
    this.timeout(420_000);
    const ws = await workspace('sqlite');
    expect(dropEveryFixture(ws.home).length).to.be.greaterThan(40);
    await run(ws, ['status']); // the ledger exists before the dry run looks at it

    const done1 = await dryThenReal(ws, 'nightly');
    expect(done1.customers.created).to.be.greaterThan(10);

    // Nothing new arrived: the dry run plans every entity unchanged, as the real run counts it.
    const again = await dryRun(ws, ['nightly']);
    const real2 = await run(ws, ['nightly', '--json']);
    const done2 = JSON.parse(real2.stdout) as Summary;
    expect(outcome(again.summary)).to.deep.equal(outcome(done2));
    expect(again.summary.plan?.customers).to.deep.equal(done(done2.customers));
    expect(again.summary.plan?.subscribers).to.deep.equal(done(done2.subscribers));
    expect(done2.customers.unchanged).to.equal(done1.customers.created);
    // Webex did not move in between: RPL and reconciliation read the same as well.
    expect([again.summary.rpl, again.summary.reconcile]).to.deep.equal([
      done2.rpl,
      done2.reconcile,
    ]);
  });

  for (const backend of backends())
    it(`when a sheet then updates one customer and deletes another with its users, then nightly --dry-run plans the update and the deletes that the real nightly makes (${backend})`, async function () {
      this.timeout(300_000);
      const ws = await workspace(backend);
      const { home } = ws;
      // The demo's acme customers.csv: acme-001 (limit 25 Meetings seats), -002, -003.
      const sheet = fixtureFiles()[0] as string;
      expect(path.basename(sheet)).to.equal('customers.csv');
      dropFile(path.join(home, 'inbox', 'acme'), 'customers.csv', readFileSync(sheet));
      // Its users: two of acme-002, who leave with their customer.
      const users = fixtureFiles()[1] as string;
      dropFile(path.join(home, 'inbox', 'acme'), 'subscribers.csv', readFileSync(users));
      const first = JSON.parse((await run(ws, ['nightly', '--json'])).stdout) as Summary;
      expect([first.customers.created, first.subscribers.created]).to.deep.equal([3, 5]);

      // A sheet changes one customer, deletes another and repeats a third: an update and a delete.
      const [header, row1, row2, row3] = readFileSync(sheet, 'utf8').split(/\r?\n/);
      dropFile(
        path.join(home, 'inbox', 'acme'),
        'customers-2.csv',
        [
          `${header},Action`,
          `${row1?.replace(',25,25,', ',25,30,')},`,
          `${row2},delete`,
          `${row3},`,
        ].join('\n'),
      );
      const changed = await dryRun(ws, ['nightly']);
      const real3 = await run(ws, ['nightly', '--json']);
      const done3 = JSON.parse(real3.stdout) as Summary;
      expect(outcome(changed.summary)).to.deep.equal(outcome(done3));
      expect(changed.summary.plan?.customers).to.deep.equal(done(done3.customers));
      expect(changed.summary.plan?.subscribers).to.deep.equal(done(done3.subscribers));
      expect(done3.customers).to.deep.include({ updated: 1, deleted: 1 });
      expect(done3.subscribers).to.deep.include({ deleted: 2 });
    });

  it('when every fixture was imported for real, then provision --dry-run plans what the real provision then does, and sends nothing', async function () {
    this.timeout(300_000);
    const ws = await workspace('sqlite');
    dropEveryFixture(ws.home);
    const imported = await run(ws, ['import', '--json']);
    expect((JSON.parse(imported.stdout) as Summary).rows.accepted).to.be.greaterThan(10);

    await dryThenReal(ws, 'provision');
  });
});

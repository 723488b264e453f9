// `npm run soak -- --self-test`: the checks can fail. One calm night is played, every invariant must
// hold; then each invariant is shown a fault planted for real (a duplicate customer in the
// simulator, a stray file in .rtm-claims, a token in a log…) and must report it, and the plant is
// taken away again.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { emptyWorld, planFaults, planNight, CAMPAIGN_START_MS } from './generate.ts';
import { INVARIANTS, type CheckInput } from './invariants.ts';
import { playNight, type CampaignState, type NightOutcome } from './night.ts';
import { readInbox, readLedger, readWebex } from './snapshot.ts';
import { createWorkspace, type Backend, type Workspace } from './workspace.ts';

interface Plant {
  invariant: string;
  what: string;
  /** Plants the fault; returns how to take it away. */
  plant(ctx: PlantContext): Promise<() => Promise<void> | void> | (() => Promise<void> | void);
}

interface PlantContext {
  ws: Workspace;
  outcome: NightOutcome;
  input: CheckInput;
}

const SEED = 1;

async function inputFor(
  state: CampaignState,
  outcome: NightOutcome,
  scanned = new Map<string, string>(),
): Promise<CheckInput> {
  const { ws } = state;
  const db = ws.openLedger();
  try {
    const ledger = await readLedger(db);
    return {
      home: ws.home,
      plansDir: path.join(ws.dir, 'plans'),
      snap: {
        ...ledger,
        webex: readWebex(outcome.sim.state, outcome.clock.nowMs(), outcome.policy),
        inbox: readInbox(ws.home),
      },
      commands: outcome.commands,
      nightly: outcome.nightly,
      contacts: outcome.contacts,
      drops: state.drops,
      token: ws.token,
      databaseFiles:
        ws.backend === 'sqlite' ? [ws.database.connection, `${ws.database.connection}-wal`] : [],
      scanned,
    };
  } finally {
    await db.destroy();
  }
}

async function sql(
  ws: Workspace,
  run: (db: ReturnType<Workspace['openLedger']>) => Promise<unknown>,
): Promise<void> {
  const db = ws.openLedger();
  try {
    await run(db);
  } finally {
    await db.destroy();
  }
}

const PLANTS: Plant[] = [
  {
    invariant: 'no externalId twice in Webex',
    what: 'a second customer with a live externalId, planted in the simulator',
    plant: ({ outcome }) => {
      const live = [...outcome.sim.state.customers.values()].find((c) => !c.id.startsWith('own-'));
      if (!live) throw new Error('no customer to copy');
      outcome.sim.state.customers.set('planted-twin', {
        ...structuredClone(live),
        id: 'planted-twin',
      });
      return () => void outcome.sim.state.customers.delete('planted-twin');
    },
  },
  {
    invariant: 'every accepted row has one outcome',
    what: "an accepted row's result emptied in the ledger",
    plant: async ({ ws }) => {
      let id = 0;
      let result = '';
      await sql(ws, async (db) => {
        const row = (await db('row_outcomes')
          .where({ outcome: 'accepted' })
          .whereNotNull('result')
          .first('id', 'result')) as { id: number; result: string };
        id = row.id;
        result = row.result;
        await db('row_outcomes').where({ id }).update({ result: null });
      });
      return () => sql(ws, (db) => db('row_outcomes').where({ id }).update({ result }));
    },
  },
  {
    invariant: 'Webex equals the ledger',
    what: 'a customer in Webex that no sheet sent, planted in the simulator',
    plant: ({ outcome }) => {
      const any = [...outcome.sim.state.customers.values()].find((c) => !c.id.startsWith('own-'));
      if (!any) throw new Error('no customer to copy');
      outcome.sim.state.customers.set('planted-orphan', {
        ...structuredClone(any),
        id: 'planted-orphan',
        externalId: 'planted-orphan',
        orgId: 'planted-org',
      });
      return () => void outcome.sim.state.customers.delete('planted-orphan');
    },
  },
  {
    invariant: 'every dropped file accounted for',
    what: 'a stray copy of a processed file left in .rtm-claims',
    plant: ({ ws }) => {
      const archive = path.join(ws.home, 'archive', 'acme');
      const first = readdirSync(archive)[0] as string;
      const stray = path.join(ws.home, 'inbox', 'acme', '.rtm-claims', 'stray.csv');
      writeFileSync(stray, readFileSync(path.join(archive, first)));
      return () => rmSync(stray);
    },
  },
  {
    invariant: 'results files match the ledger',
    what: "a results file whose first row says 'rejected'",
    plant: ({ ws }) => {
      const dir = path.join(ws.home, 'outbox', 'acme');
      const file = path.join(dir, readdirSync(dir).find((n) => n.endsWith('.csv')) as string);
      const before = readFileSync(file);
      const lines = before.toString('utf8').split('\n');
      lines[1] = (lines[1] as string).replace(
        /,(created|pending|accepted|updated|deleted)(,|$)/,
        ',rejected$2',
      );
      writeFileSync(file, lines.join('\n'));
      return () => writeFileSync(file, before);
    },
  },
  {
    invariant: 'results files match the ledger',
    what: 'a processed file whose results file is gone after a nightly that ran to its end',
    plant: ({ ws }) => {
      const dir = path.join(ws.home, 'outbox', 'acme');
      const file = path.join(dir, readdirSync(dir).find((n) => n.endsWith('.csv')) as string);
      const before = readFileSync(file);
      rmSync(file);
      return () => writeFileSync(file, before);
    },
  },
  {
    invariant: 'summary counts add up',
    what: "the nightly's summary with one row more than its files",
    plant: ({ outcome }) => {
      const before = outcome.nightly.stdout;
      const s = JSON.parse(before) as { rows: { total: number } };
      s.rows.total += 1;
      outcome.nightly.stdout = JSON.stringify(s);
      return () => void (outcome.nightly.stdout = before);
    },
  },
  {
    invariant: 'no formula, link or script in outputs',
    what: 'a results file with a live =HYPERLINK cell',
    plant: ({ ws }) => {
      const file = path.join(ws.home, 'outbox', 'acme', 'planted.csv.results.csv');
      writeFileSync(
        file,
        'External ID,Customer name,result\nx-1,"=HYPERLINK(""http://evil.example"",""x"")",accepted\n',
      );
      return () => rmSync(file);
    },
  },
  {
    invariant: 'no token in outputs',
    what: 'the partner token in a log file',
    plant: ({ ws }) => {
      const file = path.join(ws.home, 'var', 'logs', 'planted.log');
      writeFileSync(file, `{"message":"Authorization: Bearer ${ws.token}"}\n`);
      return () => rmSync(file);
    },
  },
  {
    invariant: 'no run left running',
    what: "a run still 'running' from before the night's nightly",
    plant: async ({ ws }) => {
      await sql(ws, (db) =>
        db('runs').insert({
          id: 'planted-running',
          job: 'nightly',
          status: 'running',
          dry_run: false,
          started_at: '2000-01-01T00:00:00.000Z',
          host: 'planted',
          pid: 999_999,
        }),
      );
      return () => sql(ws, (db) => db('runs').where({ id: 'planted-running' }).delete());
    },
  },
  {
    invariant: 'exit codes agree with summaries',
    what: 'the nightly exiting 0 while its summary says otherwise',
    plant: ({ outcome }) => {
      const before = outcome.nightly.code;
      outcome.nightly.code = before === 0 ? 1 : 0;
      return () => void (outcome.nightly.code = before);
    },
  },
  {
    invariant: 'one run at a time',
    what: "a finished run whose time overlaps the nightly's",
    plant: async ({ ws, input }) => {
      const run = input.snap.runs.find((r) => r.job === 'nightly' && r.finishedAt);
      if (!run) throw new Error('no finished nightly');
      await sql(ws, (db) =>
        db('runs').insert({
          id: 'planted-overlap',
          job: 'reconcile',
          status: 'ok',
          exit_code: 0,
          dry_run: false,
          started_at: run.startedAt,
          finished_at: run.finishedAt,
          host: 'planted',
          pid: 999_998,
        }),
      );
      return () => sql(ws, (db) => db('runs').where({ id: 'planted-overlap' }).delete());
    },
  },
];

/** Plays one calm night, then shows each invariant its planted fault. Returns the exit code. */
export async function runSelfTest(o: {
  root: string;
  backend: Backend;
  print(line: string): void;
}): Promise<number> {
  const ws = await createWorkspace(o.root, 'soak-self-test', o.backend, SEED);
  const state: CampaignState = {
    seed: SEED,
    ws,
    drops: [],
    bytes: new Map(),
    simPort: 0,
    proxyPort: 0,
  };
  const plan = planNight(
    SEED,
    1,
    CAMPAIGN_START_MS,
    planFaults(SEED, 1, { calm: true }),
    emptyWorld(),
    { calm: true, resultsBack: false },
  );
  const outcome = await playNight(state, plan);
  let failures = 0;
  try {
    const base = await inputFor(state, outcome);
    // A check that already fails on the calm night must still see the plant as something new.
    const already = new Map<string, Set<string>>();
    for (const inv of INVARIANTS) {
      const found = await inv.check(base);
      already.set(inv.name, new Set(found));
      if (found.length > 0) {
        failures += 1;
        o.print(`✗ ${inv.name}: does not hold on a calm night: ${found.slice(0, 3).join('; ')}`);
      }
    }
    if (!existsSync(path.join(ws.home, 'inbox', 'acme', '.rtm-claims')))
      throw new Error('no .rtm-claims folder after a night');
    for (const inv of INVARIANTS) {
      const plants = PLANTS.filter((p) => p.invariant === inv.name);
      if (plants.length === 0) {
        failures += 1;
        o.print(`✗ ${inv.name}: no planted fault to show it`);
      }
      for (const plant of plants) {
        const undo = await plant.plant({ ws, outcome, input: base });
        let found: string[];
        try {
          const seen = already.get(inv.name) ?? new Set();
          found = (await inv.check(await inputFor(state, outcome))).filter((v) => !seen.has(v));
        } finally {
          await undo();
        }
        if (found.length === 0) {
          failures += 1;
          o.print(`✗ ${inv.name}: did not see ${plant.what}`);
        } else o.print(`✓ ${inv.name}: saw ${plant.what}: ${found[0]}`);
      }
    }
    // Every plant is gone again: the night holds as before.
    const after = await inputFor(state, outcome);
    for (const inv of INVARIANTS) {
      const seen = already.get(inv.name) ?? new Set();
      const found = (await inv.check(after)).filter((v) => !seen.has(v));
      if (found.length > 0) {
        failures += 1;
        o.print(`✗ ${inv.name}: still sees a plant after it was taken away: ${found[0]}`);
      }
    }
  } finally {
    await outcome.stop();
    await ws.close(failures > 0);
  }
  o.print(
    failures === 0
      ? `self-test: all ${INVARIANTS.length} invariants hold on a calm night and catch each planted fault (${PLANTS.length})`
      : `self-test: ${failures} problem(s); workspace kept at ${ws.dir}`,
  );
  return failures === 0 ? 0 : 1;
}

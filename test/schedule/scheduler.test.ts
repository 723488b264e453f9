import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cronTimes, planCatchUp } from '../../src/schedule/index.ts';
import { listFires, type Db, type FireRecord } from '../../src/store/index.ts';
import { REPO_ROOT, runCli, tempHome, writeConfig } from '../support/cli.ts';
import { backends, cliLedger, type CliLedger } from '../support/db.ts';
import {
  multiplicity,
  population,
  stage,
  startSimProcess,
  stopProcess,
  workspace,
  type SimProcess,
  type Workspace,
} from '../provision/engine-support.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'rtm-batch.js');

interface Scheduler {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** `rtm-batch schedule` as its own process, as systemd would start it. */
function startScheduler(home: string, env: Record<string, string | undefined>): Scheduler {
  const child = spawn(process.execPath, [BIN, '--home', home, 'schedule'], {
    env: { ...process.env, DATABASE_URL: '', ...env },
    cwd: home,
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out, stop: () => stopProcess(child) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function runsOf(db: Db, job: string) {
  return (await db('runs').where({ job }).orderBy('started_at')) as {
    id: string;
    status: string;
  }[];
}

describe('schedule: when fires are due (pure)', () => {
  const fire = (at: string, status: FireRecord['status'] = 'done'): FireRecord => ({
    job: 'nightly',
    scheduledAt: at,
    claimedBy: 'x',
    host: 'h',
    pid: 1,
    reason: 'scheduled',
    status,
    claimedAt: at,
    finishedAt: at,
    runIds: [],
    detail: null,
  });

  it('when a nightly line is asked for its latest fire, then it is the last 02:00 in its time zone', () => {
    const t = cronTimes('0 2 * * *', 'Asia/Tokyo');
    // 2026-12-06 01:30 in Tokyo is 2026-12-05T16:30Z: the last 02:00 there was the 5th, 17:00Z the 4th.
    expect(t.lastAtOrBefore(new Date('2026-12-05T16:30:00Z'))?.toISOString()).to.equal(
      '2026-12-04T17:00:00.000Z',
    );
    expect(t.lastAtOrBefore(new Date('2026-12-05T17:00:00Z'))?.toISOString()).to.equal(
      '2026-12-05T17:00:00.000Z',
    );
  });

  it('when the last due fire is later than the latest recorded one, then it is caught up once', () => {
    const lastDue = new Date('2026-12-06T02:00:00Z');
    expect(
      planCatchUp({
        lastDue,
        latestFire: fire('2026-12-05T02:00:00.000Z'),
        ranSinceLastDue: false,
      }),
    ).to.deep.equal({ kind: 'catch-up', scheduledAt: '2026-12-06T02:00:00.000Z' });
    // Already fired (by any scheduler): nothing to do.
    expect(
      planCatchUp({ lastDue, latestFire: fire('2026-12-06T02:00:00.000Z'), ranSinceLastDue: false })
        .kind,
    ).to.equal('none');
    // Someone ran it by hand after it was due: not run again.
    expect(
      planCatchUp({ lastDue, latestFire: fire('2026-12-05T02:00:00.000Z'), ranSinceLastDue: true })
        .kind,
    ).to.equal('none');
    // No scheduler ever fired it: a first start does not run last night's job.
    expect(planCatchUp({ lastDue, latestFire: null, ranSinceLastDue: false }).kind).to.equal(
      'none',
    );
  });

  it('when the latest fire was interrupted and no later one is due, then it is resumed', () => {
    const f = fire('2026-12-06T02:00:00.000Z', 'interrupted');
    expect(
      planCatchUp({
        lastDue: new Date('2026-12-06T02:00:00Z'),
        latestFire: f,
        ranSinceLastDue: true,
      }),
    ).to.deep.equal({ kind: 'resume', fire: f });
  });
});

for (const backend of backends()) {
  describe(`schedule: several schedulers on one ledger (${backend}, separate processes)`, function () {
    this.timeout(120_000);
    let ledger: CliLedger;
    const started: Scheduler[] = [];
    afterEach(async () => {
      await Promise.all(started.splice(0).map((s) => s.stop()));
      await ledger?.close();
    });

    async function prepare(schedule: Record<string, unknown>) {
      const home = tempHome('rtm-sched-');
      writeConfig(home, { schedule: { timezone: 'UTC', ...schedule } });
      ledger = await cliLedger(backend, home);
      // Migrated once before the schedulers start (both would otherwise race to migrate).
      const st = await runCli(['status'], { home, env: ledger.env });
      expect(st.code, st.stderr).to.equal(0);
      return home;
    }

    it('when two schedulers run an every-second job, then each fire is claimed by one of them and run at most once', async () => {
      const home = await prepare({ nightly: null, 'rpl-recheck': '* * * * * *', catchUp: [] });
      started.push(startScheduler(home, ledger.env), startScheduler(home, ledger.env));
      const db = ledger.open();
      // Both have claimed a fire before the window is measured: which one wins a second is a
      // race, and on a loaded machine one of them could win every second of a short window.
      await until(
        'both schedulers to claim a fire',
        async () => new Set((await listFires(db, 'rpl-recheck')).map((f) => f.claimedBy)).size >= 2,
      );
      const from = new Date(Date.now() + 1000).toISOString().replace(/\.\d+Z$/, '.000Z');
      await sleep(8_000);
      const to = new Date(Date.now() - 2000).toISOString();
      await Promise.all(started.splice(0).map((s) => s.stop()));

      const fires = (await listFires(db, 'rpl-recheck', from)).filter((f) => f.scheduledAt <= to);
      // One row per second of the window, none missing: every fire was claimed exactly once.
      const seconds = Math.round((Date.parse(to) - Date.parse(from)) / 1000);
      expect(fires.length, JSON.stringify(fires)).to.be.within(seconds, seconds + 1);
      for (let i = 1; i < fires.length; i++)
        expect(Date.parse(fires[i]!.scheduledAt) - Date.parse(fires[i - 1]!.scheduledAt)).to.equal(
          1000,
        );
      // Both schedulers took part, and every run belongs to exactly one fire.
      const all = await listFires(db, 'rpl-recheck');
      expect(new Set(all.map((f) => f.claimedBy)).size).to.equal(2);
      const runIds = all.flatMap((f) => f.runIds);
      expect(new Set(runIds).size).to.equal(runIds.length);
      const runs = await runsOf(db, 'rpl-recheck');
      expect(runs.map((r) => r.id).sort()).to.deep.equal([...runIds].sort());
      for (const f of all) {
        if (f.status === 'done') expect(f.runIds).to.have.length(1);
        else expect(f.status, JSON.stringify(f)).to.be.oneOf(['skipped', 'interrupted']);
      }
      // On a loaded machine a run outlasts several one-second fires: those are skipped, not queued.
      const done = fires.filter((f) => f.status === 'done').length;
      expect(all.filter((f) => f.status === 'done').length).to.be.greaterThan(0);
      console.log(
        `      [${backend}] ${fires.length} fires in ${seconds}s: ${done} run once, ${fires.length - done} skipped (lock held by the previous run), claimed by ${new Set(fires.map((f) => f.claimedBy)).size} schedulers; ${runs.length} runs in all, ${runIds.length} distinct`,
      );
    });

    it('when schedulers start after a missed nightly, then one of them runs it once, as a catch-up, and a restart does not run it again', async () => {
      const home = await prepare({ nightly: '0 2 * * *', 'rpl-recheck': null });
      const db = ledger.open();
      const lastDue = cronTimes('0 2 * * *', 'UTC').lastAtOrBefore(new Date()) as Date;
      // A scheduler ran the night before and then none ran at the last 02:00.
      await db('schedule_fires').insert({
        job: 'nightly',
        scheduled_at: new Date(lastDue.getTime() - 86_400_000).toISOString(),
        claimed_by: 'old',
        host: 'old',
        pid: 1,
        reason: 'scheduled',
        status: 'done',
        claimed_at: lastDue.toISOString(),
      });
      started.push(startScheduler(home, ledger.env), startScheduler(home, ledger.env));
      await until('the catch-up to finish', async () => {
        const fire = (await listFires(db, 'nightly', lastDue.toISOString()))[0];
        return fire !== undefined && fire.status !== 'running';
      });
      await sleep(2_000);
      const outputs = started.map((s) => s.output());
      await Promise.all(started.splice(0).map((s) => s.stop()));

      const runs = await runsOf(db, 'nightly');
      expect(runs, outputs.join('\n----\n')).to.have.length(1);
      const [fire] = await listFires(db, 'nightly', lastDue.toISOString());
      expect(fire).to.include({
        scheduledAt: lastDue.toISOString(),
        reason: 'catch-up',
        status: 'done',
      });
      expect(fire?.runIds).to.deep.equal([runs[0]?.id]);
      expect(outputs.filter((o) => /was missed .*catching up once/.test(o))).to.have.length(1);

      // A scheduler started again finds the fire done: nothing more runs.
      const again = startScheduler(home, ledger.env);
      started.push(again);
      await until('the scheduler to start', () =>
        Promise.resolve(/scheduled nightly/.test(again.output())),
      );
      await sleep(3_000);
      expect(await runsOf(db, 'nightly')).to.have.length(1);
      const status = await runCli(['status', '--json'], { home, env: ledger.env });
      const nightly = (
        JSON.parse(status.stdout) as {
          schedule: { job: string; nextFire: string; lastRun: { status: string } | null }[];
        }
      ).schedule.find((j) => j.job === 'nightly');
      expect(nightly?.nextFire).to.equal(new Date(lastDue.getTime() + 86_400_000).toISOString());
      expect(nightly?.lastRun?.status).to.equal(runs[0]?.status);
    });
  });
}

describe('schedule: SIGTERM during a scheduled provisioning run (separate processes)', function () {
  this.timeout(120_000);
  let sim: SimProcess;
  let ws: Workspace;
  const started: Scheduler[] = [];
  after(async () => {
    await Promise.all(started.map((s) => s.stop()));
    await ws?.db.destroy();
    await sim?.stop();
  });

  it('when the scheduler is stopped mid-run and started again, then it finishes that fire once and Webex holds each customer once', async () => {
    sim = await startSimProcess({
      rateLimitPerSecond: 1000,
      latencyMs: 100,
      provisioningSeconds: 0.1,
    });
    ws = await workspace(sim.url, { webex: { requestsPerSecond: 10, concurrency: 4 } });
    await stage(ws.db, 'acme', population(30, 0, 'sched').customers);
    // One fire, ten seconds from now (a scheduler starts slowly on a loaded machine).
    const at = new Date(Math.ceil((Date.now() + 10_000) / 1000) * 1000);
    const line = `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
    const config = JSON.parse(
      readFileSync(path.join(ws.home, 'rtm-batch.config.json'), 'utf8'),
    ) as Record<string, unknown>;
    writeConfig(ws.home, {
      ...config,
      schedule: {
        'import-provision': line,
        nightly: null,
        'rpl-recheck': null,
        catchUp: ['nightly', 'import-provision'],
      },
    });
    const env = { ACME_TOKEN: 'acme-token-1234' };
    const first = startScheduler(ws.home, env);
    started.push(first);
    await until(
      'the scheduled provisioning to send a few changes',
      async () => {
        const [row] = (await ws
          .db('changes')
          .whereIn('status', ['done', 'awaiting'])
          .count({ n: '*' })) as {
          n: number | string;
        }[];
        return Number(row?.n ?? 0) >= 3;
      },
      30_000,
    );
    await first.stop();
    const [cut] = await listFires(ws.db, 'import-provision');
    expect(cut, first.output()).to.include({
      scheduledAt: at.toISOString(),
      status: 'interrupted',
    });
    expect(multiplicity(await sim.read(), 'sched-').customers.size, 'work left').to.be.below(30);

    const second = startScheduler(ws.home, env);
    started.push(second);
    await until('the resumed fire to end', async () => {
      const [fire] = await listFires(ws.db, 'import-provision');
      return fire?.reason === 'resume' && fire.status !== 'running';
    });
    await second.stop();
    const [fire] = await listFires(ws.db, 'import-provision');
    expect(fire, second.output()).to.include({
      scheduledAt: at.toISOString(),
      reason: 'resume',
      status: 'done',
    });
    expect(second.output()).to.match(/was interrupted: finishing it once/);
    const { customers } = multiplicity(await sim.read(), 'sched-');
    expect(customers.size).to.equal(30);
    expect([...customers.values()].every((n) => n === 1)).to.equal(true);
    // The fire ran one import and one provision each time; nothing else was started.
    expect((await runsOf(ws.db, 'provision')).map((r) => r.status)).to.have.length(2);
  });
});

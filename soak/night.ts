// One night of the campaign: the simulator (in this process, on the night's clock) behind a fault
// proxy, the partners' files dropped into the inbox, `rtm-batch nightly` with the night's faults,
// then the day's operator commands (rpl contact, deprovision --plan / --apply).
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { createClock, type Clock } from '../src/clock/index.ts';
import type { SimulatorConfig } from '../src/config/index.ts';
import {
  emptyState,
  lifecyclePolicy,
  loadState,
  startSimulator,
  writeState,
  type LifecyclePolicy,
  type RunningSimulator,
} from '../src/webex/simulator/index.ts';
import { startFaultProxy, type FaultProxy, type ProxyAction } from '../test/support/fault-proxy.ts';
import { PARTNERS, type Drop, type NightPlan } from './generate.ts';
import { Rng, mulberry32, hashSeed } from './prng.ts';
import { renderDrop } from './sheets.ts';
import {
  startCommand,
  writeWorkspaceConfig,
  type CommandResult,
  type Running,
  type Workspace,
} from './workspace.ts';

/** A file the harness dropped, as the checks need it. */
export interface DropRecord {
  partner: string;
  name: string;
  sha256: string;
  night: number;
  key: string;
  /** The partner replaced it in the inbox (same name) before any run took it. */
  superseded: boolean;
}

/** What the campaign keeps from night to night. */
export interface CampaignState {
  seed: number;
  ws: Workspace;
  drops: DropRecord[];
  bytes: Map<string, Buffer>;
  simPort: number;
  proxyPort: number;
}

/** What really happened to each fault kind tonight (a kill that came after the run ended is no kill). */
export interface FaultCounts {
  simFaults: number;
  simCuts: number;
  lostAnswers: number;
  served429: number;
  served401: number;
  latencySpikes: number;
  kills: number;
  killsMissed: number;
  sigterms: number;
  sigtermsMissed: number;
  lockContention: number;
  dbFull: number;
  clockJumpDays: number;
}

export function zeroFaults(): FaultCounts {
  return {
    simFaults: 0,
    simCuts: 0,
    lostAnswers: 0,
    served429: 0,
    served401: 0,
    latencySpikes: 0,
    kills: 0,
    killsMissed: 0,
    sigterms: 0,
    sigtermsMissed: 0,
    lockContention: 0,
    dbFull: 0,
    clockJumpDays: 0,
  };
}

/** A contact attempt and whether the ledger had an open check for it when it was made. */
export interface ContactRecord {
  partner: string;
  externalId: string;
  hadOpenCheck: boolean;
  result: CommandResult;
}

/** Everything a night leaves for the checks. */
export interface NightOutcome {
  plan: NightPlan;
  commands: CommandResult[];
  /** The nightly run (the first one started, when two were). */
  nightly: CommandResult;
  contacts: ContactRecord[];
  faults: FaultCounts;
  /** The simulator, still running, on the night's clock, for the checks. */
  sim: RunningSimulator;
  clock: Clock;
  policy: LifecyclePolicy;
  stop(): Promise<void>;
}

const SIM_BASE: Omit<SimulatorConfig, 'faultRate' | 'rplMatch'> = {
  rateLimitPerSecond: 60,
  latencyMs: 0,
  rplReviewMinutes: 0,
  provisioningSeconds: 0.3,
};

/** The simulator's config for a night: its fault rate, and the names still held in RPL review. */
export function simulatorConfig(plan: NightPlan): SimulatorConfig {
  return {
    ...SIM_BASE,
    faultRate: plan.faults.simFaultRate,
    rplMatch: plan.rplHolds.length > 0 ? `^Hold (${plan.rplHolds.join('|')})$` : null,
  };
}

/** The partners' own orgs, in Webex before the first night (R-SELF-1). */
async function seedOwnOrgs(stateFile: string, nowMs: number): Promise<void> {
  const state = existsSync(stateFile) ? await loadState(stateFile) : emptyState();
  for (const p of PARTNERS) {
    const id = `own-${p.id}`;
    if (state.customers.has(id)) continue;
    state.customers.set(id, {
      id,
      externalId: `own-org-of-${p.id}`,
      orgId: p.orgId,
      packages: ['webex_meetings'],
      address: {
        addressLine1: '1 Partner Way',
        city: 'Austin',
        stateOrProvince: 'TX',
        zipOrPostalCode: '78701',
        country: 'US',
      },
      createdMs: nowMs - 86_400_000 * 365,
      operation: { kind: 'create', startedMs: nowMs - 86_400_000 * 365 },
      rplCheckMs: nowMs - 86_400_000 * 365,
    });
  }
  await writeState(stateFile, state);
}

function decideFor(
  plan: NightPlan,
): (req: { method: string; headers: Record<string, unknown>; n: number }) => ProxyAction {
  const f = plan.faults;
  return ({ method, headers, n }) => {
    const inRange = (w: { from: number; count: number } | null) =>
      w !== null && n >= w.from && n < w.from + w.count;
    if (inRange(f.burst429))
      return {
        status: 429,
        body: {
          message: 'Too many requests',
          errors: [{ description: 'Too many requests' }],
          trackingId: `SOAK429_${n}`,
        },
        headers: { 'Retry-After': f.burst429?.malformedRetryAfter ? 'rand(30),add(30)' : '1' },
      };
    if (inRange(f.unauthorized)) {
      // Like a gateway that quotes the request back: the token must still reach no output.
      const said = `The request's Authorization header "${String(headers.authorization)}" is not valid.`;
      return {
        status: f.unauthorized?.status ?? 401,
        body: { message: said, errors: [{ description: said }], trackingId: `SOAK401_${n}` },
      };
    }
    const changes = method === 'POST' || method === 'PUT' || method === 'DELETE';
    const lose =
      changes &&
      f.lostAnswers > 0 &&
      new Rng(plan.seed, plan.night, 'lose', n).next() < f.lostAnswers;
    if (inRange(f.latency))
      return { delayMs: f.latency?.ms ?? 0, then: lose ? 'lose-answer' : 'pass' };
    return lose ? 'lose-answer' : 'pass';
  };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Drops tonight's files into the inbox, an hour old so the run takes them at once. */
async function dropFiles(c: CampaignState, plan: NightPlan): Promise<void> {
  const old = new Date(Date.now() - 3_600_000);
  for (const [i, drop] of plan.drops.entries()) {
    const key = drop.kind === 'sheet' && drop.key ? drop.key : `${plan.night}:${i}`;
    const bytes =
      drop.kind === 'redrop'
        ? c.bytes.get(drop.of)
        : await renderDrop(drop as Exclude<Drop, { kind: 'redrop' }>);
    if (!bytes)
      throw new Error(
        `night ${plan.night}: re-drop of ${drop.kind === 'redrop' ? drop.of : '?'} has no bytes`,
      );
    c.bytes.set(key, bytes);
    const dir = path.join(c.ws.home, 'inbox', drop.partner);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, drop.name);
    if (existsSync(file)) {
      // The partner uploads over a file no run has taken yet: the older one is gone for good.
      const before = sha256(readFileSync(file));
      const earlier = [...c.drops]
        .reverse()
        .find(
          (d) =>
            d.partner === drop.partner &&
            d.name === drop.name &&
            d.sha256 === before &&
            !d.superseded,
        );
      if (earlier) earlier.superseded = true;
    }
    writeFileSync(file, bytes);
    utimesSync(file, old, old);
    c.drops.push({
      partner: drop.partner,
      name: drop.name,
      sha256: sha256(bytes),
      night: plan.night,
      key,
      superseded: false,
    });
  }
}

function claimsPresent(home: string): boolean {
  for (const p of PARTNERS) {
    const dir = path.join(home, 'inbox', p.id, '.rtm-claims');
    if (existsSync(dir) && readdirSync(dir).length > 0) return true;
  }
  return false;
}

/** Waits for a command while watching for the moment to send it SIGTERM. */
async function withSigterm(run: Running, trigger: () => boolean): Promise<CommandResult> {
  let ended = false;
  const watch = (async () => {
    while (!ended) {
      if (trigger()) {
        run.signal('SIGTERM');
        return;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const result = await run.done;
  ended = true;
  await watch;
  return result;
}

/** Plays one night; the simulator is left running for the checks (call stop()). */
export async function playNight(c: CampaignState, plan: NightPlan): Promise<NightOutcome> {
  const { ws } = c;
  const clock = createClock(plan.nowMs);
  const stateFile = path.join(ws.dir, 'sim', 'state.json');
  if (plan.night === 1 || !existsSync(stateFile)) await seedOwnOrgs(stateFile, plan.nowMs);
  const config = simulatorConfig(plan);
  const sim = await startSimulator({
    config,
    clock,
    stateFile,
    port: c.simPort,
    random: mulberry32(hashSeed(plan.seed, plan.night, 'simulator')),
  });
  c.simPort = sim.port;
  let proxy: FaultProxy;
  try {
    proxy = await startFaultProxy(sim.url, decideFor(plan), c.proxyPort);
  } catch (err) {
    await sim.close();
    throw err;
  }
  c.proxyPort = new URL(proxy.url).port === '' ? 0 : Number(new URL(proxy.url).port);
  writeWorkspaceConfig(ws, proxy.url);

  const faults = zeroFaults();
  faults.clockJumpDays = plan.faults.clockJumpDays;
  const commands: CommandResult[] = [];
  const run = (label: string, args: string[], env: Record<string, string> = {}) =>
    startCommand(ws, label, args, env, clock.nowMs());

  await dropFiles(c, plan);
  const filled = plan.faults.dbFull && ws.dbFs !== null;
  if (filled) ws.dbFs?.fill();
  let nightly: CommandResult;
  try {
    const f = plan.faults;
    const hooks: Record<string, string> = f.kill
      ? { RTM_TEST_HOOKS: '1', RTM_CRASH_AT: `${f.kill.point}:${f.kill.nth}` }
      : {};
    const main = run('nightly', ['nightly', '--json'], hooks);
    const second = f.concurrent ? run('nightly (second)', ['nightly', '--json']) : null;
    const first = f.sigterm
      ? await withSigterm(
          main,
          f.sigterm.during === 'import'
            ? () => claimsPresent(ws.home)
            : () => proxy.seen.length >= (f.sigterm?.afterRequests ?? 0),
        )
      : await main.done;
    commands.push(first);
    const other = second ? await second.done : null;
    if (other) commands.push(other);
    // The night's nightly is the one that ran: the second when the first found the lock held.
    nightly = first.code === 75 && other ? other : first;
    if (f.kill) {
      if (first.signal === 'SIGKILL') faults.kills += 1;
      else faults.killsMissed += 1;
    }
    if (f.sigterm) {
      if (first.signalled === 'SIGTERM') faults.sigterms += 1;
      else faults.sigtermsMissed += 1;
    }
    if (other && commands.some((r) => r.code === 75)) faults.lockContention += 1;
    // Every run writes its run record: on a full disk it fails, one way or another.
    const said = `${nightly.stdout}\n${nightly.stderr}`;
    if (
      filled &&
      (nightly.code === 3 || /full|ENOSPC|No space|SQLITE_(FULL|IOERR)|disk I\/O/i.test(said))
    )
      faults.dbFull += 1;
  } finally {
    if (filled) ws.dbFs?.free();
  }

  // The day after: ops records contact attempts and reviews a deprovisioning plan.
  const contacts: ContactRecord[] = [];
  for (const attempt of plan.contacts) {
    const hadOpenCheck = await hasOpenCheck(ws, attempt.partner, attempt.externalId);
    const result = await run('rpl contact', [
      '--partner',
      attempt.partner,
      'rpl',
      'contact',
      '--customer',
      attempt.externalId,
      '--outcome',
      attempt.outcome,
      '--note',
      'soak: called the partner',
    ]).done;
    commands.push(result);
    contacts.push({
      partner: attempt.partner,
      externalId: attempt.externalId,
      hadOpenCheck,
      result,
    });
  }
  if (plan.deprovision) {
    const plans = path.join(ws.dir, 'plans');
    mkdirSync(plans, { recursive: true });
    const planFile = path.join(plans, `plan-${plan.night}.json`);
    const written = await run('deprovision --plan', [
      'deprovision',
      '--plan',
      '--out',
      planFile,
      '--json',
    ]).done;
    commands.push(written);
    if (existsSync(planFile)) {
      const doc = JSON.parse(readFileSync(planFile, 'utf8')) as { candidates: unknown[] };
      if (doc.candidates.length > 0) {
        const review = new Rng(plan.seed, plan.night, 'review');
        doc.candidates = doc.candidates.filter(
          () => !review.chance(plan.deprovision?.strikeShare ?? 0),
        );
        const reviewed = path.join(plans, `plan-${plan.night}.reviewed.json`);
        writeFileSync(reviewed, JSON.stringify(doc, null, 2));
        commands.push(
          await run('deprovision --apply', ['deprovision', '--apply', reviewed, '--json']).done,
        );
      }
    }
  }

  // What each command printed, kept beside the workspace for whoever reads a violation.
  const out = path.join(ws.dir, 'commands');
  mkdirSync(out, { recursive: true });
  for (const [i, r] of commands.entries())
    writeFileSync(
      path.join(
        out,
        `night-${String(plan.night).padStart(3, '0')}-${i}-${r.label.replace(/\W+/g, '-')}.txt`,
      ),
      `$ rtm-batch ${r.args.join(' ')}\nexit ${r.code ?? r.signal}${r.signalled ? ` (sent ${r.signalled})` : ''}, ${Math.round(r.ms)} ms\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
  await proxy.close();
  const stats = sim.stats();
  faults.simFaults = stats.faultsInjected - stats.connectionsCut;
  faults.simCuts = stats.connectionsCut;
  for (const s of proxy.seen) {
    if (s.action === 'lose-answer' || s.action.endsWith('lose-answer')) faults.lostAnswers += 1;
    if (s.action === '429') faults.served429 += 1;
    if (s.action === '401' || s.action === '403') faults.served401 += 1;
    if (s.action.startsWith('delay')) faults.latencySpikes += 1;
  }
  return {
    plan,
    commands,
    nightly,
    contacts,
    faults,
    sim,
    clock,
    policy: lifecyclePolicy(config),
    stop: () => sim.close(),
  };
}

async function hasOpenCheck(ws: Workspace, partner: string, externalId: string): Promise<boolean> {
  const db = ws.openLedger();
  try {
    const row = (await db('rpl_checks as k')
      .join('customers as c', 'c.id', 'k.customer_id')
      .where({ 'c.partner_id': partner, 'c.external_id': externalId })
      .whereNull('k.closed_at')
      .first('k.id')) as { id: number } | undefined;
    return row !== undefined;
  } catch {
    return false; // no ledger yet
  } finally {
    await db.destroy();
  }
}

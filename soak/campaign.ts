// A campaign: one seed, one database, K nights played one after another on the same workspace,
// the invariants checked after each, one line printed per night.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import {
  describeFaults,
  emptyWorld,
  planFaults,
  planNight,
  CAMPAIGN_START_MS,
  DAY_MS,
  type GeneratorOptions,
  type NightPlan,
} from './generate.ts';
import { checkAll, nightlyFinished, type CheckInput } from './invariants.ts';
import {
  playNight,
  zeroFaults,
  type CampaignState,
  type FaultCounts,
  type NightOutcome,
} from './night.ts';
import { readInbox, readLedger, readWebex, type Snapshot } from './snapshot.ts';
import { createWorkspace, type Backend, type CommandResult } from './workspace.ts';
import type { Summary } from '../src/reports/index.ts';

export interface CampaignOptions extends GeneratorOptions {
  seed: number;
  nights: number;
  backend: Backend;
  root: string;
  /** Stop starting nights after this instant (ms since the epoch). */
  deadlineMs: number | null;
  /** Nights before this one are played without faults (replay of one night with a calm past). */
  calmBefore: number | null;
  keep: boolean;
  /** Appends one JSON line per night. */
  log: string | null;
  /** Go on after a night with a violation (exploring); the first one is still reported. */
  keepGoing: boolean;
  /** Prints a line (the runner's writer). */
  print(line: string): void;
}

export interface NightReport {
  seed: number;
  night: number;
  backend: Backend;
  faults: string[];
  counts: FaultCounts;
  held: number;
  total: number;
  violations: { name: string; violations: string[] }[];
  ms: number;
}

export interface CampaignResult {
  seed: number;
  backend: Backend;
  nightsPlayed: number;
  faults: FaultCounts;
  firstViolation: NightReport | null;
  workspace: string;
}

/** Plays the campaign; stops at the first night with a violation. */
export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const ws = await createWorkspace(o.root, `soak-${o.seed}-${o.backend}`, o.backend, o.seed);
  const state: CampaignState = {
    seed: o.seed,
    ws,
    drops: [],
    bytes: new Map(),
    simPort: 0,
    proxyPort: 0,
  };
  const scanned = new Map<string, string>();
  const world = emptyWorld();
  const totals = zeroFaults();
  let jumps = 0;
  let played = 0;
  let firstViolation: NightReport | null = null;
  try {
    for (let night = 1; night <= o.nights; night++) {
      if (o.deadlineMs !== null && Date.now() > o.deadlineMs) break;
      const calm = o.calm || (o.calmBefore !== null && night < o.calmBefore);
      const faults = planFaults(o.seed, night, { calm, without: o.without });
      jumps += faults.clockJumpDays;
      const nowMs = CAMPAIGN_START_MS + (night - 1) * DAY_MS + jumps * DAY_MS;
      const plan = planNight(o.seed, night, nowMs, faults, world, o);
      const started = performance.now();
      const outcome = await playNight(state, plan);
      let report: NightReport;
      try {
        const snap = await snapshot(state, outcome);
        const input: CheckInput = {
          home: ws.home,
          plansDir: path.join(ws.dir, 'plans'),
          snap,
          commands: outcome.commands,
          nightly: outcome.nightly,
          contacts: outcome.contacts,
          drops: state.drops,
          token: ws.token,
          databaseFiles:
            ws.backend === 'sqlite'
              ? [ws.database.connection, `${ws.database.connection}-wal`]
              : [],
          scanned,
        };
        const results = await checkAll(input);
        report = {
          seed: o.seed,
          night,
          backend: o.backend,
          faults: describeFaults(plan.faults),
          counts: outcome.faults,
          held: results.filter((r) => r.violations.length === 0).length,
          total: results.length,
          violations: results.filter((r) => r.violations.length > 0),
          ms: performance.now() - started,
        };
        o.print(nightLine(report, outcome, snap));
      } finally {
        await outcome.stop();
      }
      played += 1;
      addFaults(totals, outcome.faults);
      if (o.log)
        appendFileSync(o.log, JSON.stringify({ ...report, at: new Date().toISOString() }) + '\n');
      if (report.violations.length > 0) {
        firstViolation ??= report;
        printViolation(o, report, plan, ws.dir);
        if (!o.keepGoing) break;
      }
    }
  } finally {
    await ws.close(o.keep || firstViolation !== null);
  }
  return {
    seed: o.seed,
    backend: o.backend,
    nightsPlayed: played,
    faults: totals,
    firstViolation,
    workspace: ws.dir,
  };
}

async function snapshot(state: CampaignState, outcome: NightOutcome): Promise<Snapshot> {
  const db = state.ws.openLedger();
  try {
    const ledger = await readLedger(db);
    return {
      ...ledger,
      webex: readWebex(outcome.sim.state, outcome.clock.nowMs(), outcome.policy),
      inbox: readInbox(state.ws.home),
    };
  } finally {
    await db.destroy();
  }
}

export function addFaults(into: FaultCounts, more: FaultCounts): void {
  for (const k of Object.keys(into) as (keyof FaultCounts)[]) into[k] += more[k];
}

function summaryOf(r: CommandResult): Summary | null {
  try {
    return JSON.parse(r.stdout) as Summary;
  } catch {
    return null;
  }
}

/** One line per night: seed, faults played (and whether they landed), counts, invariants held. */
function nightLine(r: NightReport, outcome: NightOutcome, snap: Snapshot): string {
  const c = r.counts;
  const happened: string[] = [];
  if (c.simFaults + c.simCuts > 0) happened.push(`${c.simFaults} 5xx, ${c.simCuts} cut`);
  if (c.lostAnswers > 0) happened.push(`${c.lostAnswers} lost`);
  if (c.served429 > 0) happened.push(`${c.served429}×429`);
  if (c.served401 > 0) happened.push(`${c.served401}×401/403`);
  if (c.latencySpikes > 0) happened.push(`${c.latencySpikes} slow`);
  if (c.kills > 0) happened.push('killed');
  if (c.killsMissed > 0) happened.push('kill missed');
  if (c.sigterms > 0) happened.push('SIGTERM');
  if (c.sigtermsMissed > 0) happened.push('SIGTERM missed');
  if (c.lockContention > 0) happened.push('75');
  if (c.dbFull > 0) happened.push('disk full hit');
  const s = summaryOf(outcome.nightly);
  const n = outcome.nightly;
  const exit = n.signal ? n.signal : `exit ${n.code}${s ? ` ${s.status}` : ''}`;
  const files = s ? s.files.length : 0;
  const rows = s ? `${s.rows.accepted}/${s.rows.rejected}` : '-';
  const ch = (x: Summary['customers']) =>
    `+${x.created} ~${x.updated} -${x.deleted} !${x.failed} …${x.pending}`;
  const counts = s ? `cust ${ch(s.customers)} users ${ch(s.subscribers)}` : '';
  const others = outcome.commands
    .filter((x) => x !== n)
    .map(
      (x) =>
        `${x.label.replace('deprovision --', '').replace('rpl contact', 'contact')}=${x.signal ?? x.code}`,
    );
  return [
    `seed ${r.seed} night ${String(r.night).padStart(2)} ${r.backend.padEnd(6)}`,
    `faults[${r.faults.join(', ') || 'none'}]${happened.length ? ` → ${happened.join(', ')}` : ''}`,
    `files ${files} rows ${rows} ${counts}`,
    `ledger ${snap.customers.length}c/${snap.subscribers.length}u webex ${snap.webex.customers.length}c/${snap.webex.subscribers.length}u`,
    `nightly ${exit}${others.length ? ` ${others.join(' ')}` : ''}`,
    `${r.held}/${r.total} held${nightlyFinished(outcome) ? '' : ' (run cut)'}`,
    `${(r.ms / 1000).toFixed(1)}s`,
  ].join(' | ');
}

/** The options a replay needs to draw the same nights. */
export function flags(o: Pick<CampaignOptions, 'resultsBack' | 'without' | 'calm'>): string {
  return [
    o.calm ? ' --calm' : '',
    o.resultsBack ? ' --results-back' : '',
    o.without && o.without.size > 0 ? ` --without ${[...o.without].join(',')}` : '',
  ].join('');
}

function printViolation(o: CampaignOptions, r: NightReport, plan: NightPlan, dir: string): void {
  o.print('');
  o.print(`VIOLATION: seed ${r.seed}, night ${r.night}, ${r.backend}`);
  o.print(`  faults played: ${r.faults.join(', ') || 'none'}`);
  o.print(
    `  drops: ${plan.drops.map((d) => `${d.partner}/${d.name} (${d.kind})`).join(', ') || 'none'}`,
  );
  for (const v of r.violations) {
    o.print(`  ✗ ${v.name}:`);
    for (const line of v.violations.slice(0, 12)) o.print(`      ${line}`);
    if (v.violations.length > 12) o.print(`      … and ${v.violations.length - 12} more`);
  }
  o.print(
    `  reproduce: npm run soak -- --replay ${r.seed}:${r.night} --db ${r.backend}${flags(o)}`,
  );
  o.print(`  (add --calm-before to play nights 1..${r.night - 1} without their faults)`);
  o.print(`  workspace kept: ${dir}`);
}

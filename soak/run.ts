// `npm run soak -- [--seed N] [--nights K] [--minutes M] [--db sqlite|pg|both] [--replay SEED:NIGHT]`
// A seeded fault campaign (issue #17): many nights of generated partner activity played through the
// installed command against the simulator, with faults chosen by the seed, and the promises the
// program makes checked after every night. Not part of `npm test`; `.ci/run` plays a short one.
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addFaults, flags, runCampaign, type CampaignResult } from './campaign.ts';
import { FAULT_KINDS } from './generate.ts';
import { zeroFaults, type FaultCounts } from './night.ts';
import { runSelfTest } from './self-test.ts';
import type { Backend } from './workspace.ts';

const USAGE = `usage: npm run soak -- [options]
  --seed N | N-M | N,M,…   seeds to play, one campaign each (default 1)
  --nights K               nights per campaign (default 30)
  --minutes M              start no night after M minutes (the session's bound)
  --db sqlite|pg|both      the ledger's database (pg and both need DATABASE_URL; default sqlite)
  --replay SEED:NIGHT      play that seed's nights 1..NIGHT again (same activity, same faults) and stop
  --calm-before            with --replay: nights before NIGHT without their faults
  --results-back           partners also send fixed results files back (issue #18)
  --calm                   no faults at all
  --without KIND,…         leave these fault kinds out (the seed's other draws stay): sim-faults,
                           lost-answers, 429, 401, latency, kill, kill:<point>, sigterm, second-run,
                           disk-full, clock-jump
  --continue               after a violation, go on with the next campaign (exit 1 at the end)
  --keep-going             after a violation, go on with the next night (to see several at once)
  --keep                   keep every workspace (one with a violation is always kept)
  --dir DIR                where workspaces go (default: $TMPDIR/rtm-soak)
  --log FILE               append one JSON line per night
  --self-test              check that each invariant catches a planted fault, then exit`;

interface Args {
  seeds: number[];
  nights: number;
  minutes: number | null;
  backends: Backend[];
  replay: { seed: number; night: number } | null;
  calmBefore: boolean;
  resultsBack: boolean;
  calm: boolean;
  without: Set<string>;
  continueAfter: boolean;
  keepGoing: boolean;
  keep: boolean;
  dir: string;
  log: string | null;
  selfTest: boolean;
}

function parseSeeds(v: string): number[] {
  const out: number[] = [];
  for (const part of v.split(',')) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) for (let s = Number(range[1]); s <= Number(range[2]); s++) out.push(s);
    else if (/^\d+$/.test(part)) out.push(Number(part));
    else throw new Error(`--seed ${v}: give N, N-M or N,M,…`);
  }
  return out;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    seeds: [1],
    nights: 30,
    minutes: null,
    backends: ['sqlite'],
    replay: null,
    calmBefore: false,
    resultsBack: false,
    calm: false,
    without: new Set(),
    continueAfter: false,
    keepGoing: false,
    keep: false,
    dir: path.join(os.tmpdir(), 'rtm-soak'),
    log: null,
    selfTest: false,
  };
  const value = (i: number, name: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    switch (arg) {
      case '--seed':
        a.seeds = parseSeeds(value(i++, arg));
        break;
      case '--nights':
        a.nights = Number(value(i++, arg));
        if (!Number.isInteger(a.nights) || a.nights < 1)
          throw new Error('--nights: a whole number from 1');
        break;
      case '--minutes':
        a.minutes = Number(value(i++, arg));
        if (!(a.minutes > 0)) throw new Error('--minutes: a positive number');
        break;
      case '--db': {
        const v = value(i++, arg);
        if (v === 'both') a.backends = ['sqlite', 'pg'];
        else if (v === 'sqlite' || v === 'pg') a.backends = [v];
        else throw new Error(`--db ${v}: sqlite, pg or both`);
        break;
      }
      case '--replay': {
        const m = /^(\d+):(\d+)$/.exec(value(i++, arg));
        if (!m) throw new Error('--replay SEED:NIGHT');
        a.replay = { seed: Number(m[1]), night: Number(m[2]) };
        break;
      }
      case '--calm-before':
        a.calmBefore = true;
        break;
      case '--results-back':
        a.resultsBack = true;
        break;
      case '--calm':
        a.calm = true;
        break;
      case '--without':
        for (const kind of value(i++, arg).split(',')) {
          if (!FAULT_KINDS.includes(kind))
            throw new Error(`--without ${kind}: one of ${FAULT_KINDS.join(', ')}`);
          a.without.add(kind);
        }
        break;
      case '--continue':
        a.continueAfter = true;
        break;
      case '--keep-going':
        a.keepGoing = true;
        break;
      case '--keep':
        a.keep = true;
        break;
      case '--dir':
        a.dir = path.resolve(value(i++, arg));
        break;
      case '--log':
        a.log = path.resolve(value(i++, arg));
        break;
      case '--self-test':
        a.selfTest = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  if (a.backends.includes('pg') && !process.env.DATABASE_URL)
    throw new Error('--db pg/both needs DATABASE_URL');
  return a;
}

const FAULT_LABELS: Record<keyof FaultCounts, string> = {
  simFaults: 'simulator 5xx answers',
  simCuts: 'simulator cuts after commit',
  lostAnswers: 'answers lost by the proxy after commit',
  served429: '429 answers (bursts)',
  served401: '401/403 answers (token refused for a while)',
  latencySpikes: 'requests held by a latency spike',
  kills: 'kill -9 that landed',
  killsMissed: 'kill -9 armed, run ended first (not counted as a kill)',
  sigterms: 'SIGTERM delivered',
  sigtermsMissed: 'SIGTERM armed, run ended first',
  lockContention: 'second run refused with 75',
  dbFull: 'nights on a full database disk that hit it',
  clockJumpDays: 'days the clock jumped',
};

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`soak: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  mkdirSync(args.dir, { recursive: true });
  const print = (line: string) => process.stdout.write(`${line}\n`);
  if (args.selfTest)
    return runSelfTest({ root: args.dir, backend: args.backends[0] ?? 'sqlite', print });

  const started = Date.now();
  const deadlineMs = args.minutes === null ? null : started + args.minutes * 60_000;
  const seeds = args.replay ? [args.replay.seed] : args.seeds;
  const nights = args.replay ? args.replay.night : args.nights;
  const results: CampaignResult[] = [];
  outer: for (const seed of seeds)
    for (const backend of args.backends) {
      if (deadlineMs !== null && Date.now() > deadlineMs) break outer;
      const result = await runCampaign({
        seed,
        nights,
        backend,
        root: args.dir,
        deadlineMs,
        calmBefore: args.replay && args.calmBefore ? args.replay.night : null,
        keep: args.keep || args.replay !== null,
        log: args.log,
        keepGoing: args.keepGoing,
        print,
        resultsBack: args.resultsBack,
        calm: args.calm,
        without: args.without,
      });
      results.push(result);
      if (result.firstViolation && !args.continueAfter) break outer;
    }

  const totals = zeroFaults();
  for (const r of results) addFaults(totals, r.faults);
  print('');
  print(
    `soak: ${results.length} campaign(s) in ${((Date.now() - started) / 60_000).toFixed(1)} min`,
  );
  for (const b of ['sqlite', 'pg'] as const) {
    const mine = results.filter((r) => r.backend === b);
    if (mine.length === 0) continue;
    print(
      `  ${b}: seeds ${mine.map((r) => `${r.seed} (${r.nightsPlayed} nights)`).join(', ')}; ${mine.reduce((n, r) => n + r.nightsPlayed, 0)} nights`,
    );
  }
  print('  faults injected:');
  for (const [k, label] of Object.entries(FAULT_LABELS))
    print(`    ${String(totals[k as keyof FaultCounts]).padStart(6)}  ${label}`);
  const bad = results.filter((r) => r.firstViolation);
  if (bad.length === 0) {
    print('  every invariant held after every night');
    return 0;
  }
  for (const r of bad)
    print(
      `  violation: seed ${r.seed} night ${r.firstViolation?.night} (${r.backend}): npm run soak -- --replay ${r.seed}:${r.firstViolation?.night} --db ${r.backend}${flags(args)}`,
    );
  return 1;
}

process.exitCode = await main();

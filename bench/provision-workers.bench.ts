import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { migrateDb, openDb } from '../src/store/index.ts';
import type { Benchmark } from './harness.ts';
import { startSimulatorProcess } from './simulator-process.ts';
import { withPgSchema } from './staging-pg.bench.ts';

const SERVER_LIMIT = 100;
const KILL_AT_S = 10;
const JOIN_AT_S = 20;
const END_AT_S = 35;
const TOKEN = 'bench-shared-token-5f2e8a';
// Compiled (built with the CLI, as the installed command is): under tsx a process took seconds to
// start on a loaded machine, and the one joining at 20 s had not sent a request by 35 s.
const WORKER = fileURLToPath(new URL('../dist/bench/rate-worker.js', import.meta.url));

interface Counts {
  requests: number;
  rateLimited: number;
  givenUp: number;
  wokeLate: number;
  claims: number;
  slots: number;
}

/** A worker process and the last counts it printed. */
interface Worker {
  child: ChildProcess;
  last: Counts;
  /** Its counts by when the bench received them (ms since the start). */
  history: { at: number; counts: Counts }[];
}

const ZERO: Counts = { requests: 0, rateLimited: 0, givenUp: 0, wokeLate: 0, claims: 0, slots: 0 };

/**
 * Three processes sending with one token against `rtm-batch simulator` (its own process) at a
 * strict limit of 100/s, each told the whole rate and sharing it through the token's budget in
 * PostgreSQL: one is killed with SIGKILL at 10 s, a fourth starts at 20 s, all stop at 35 s. The
 * rate is the requests the simulator admitted (sent minus 429s, counted by the workers every 250
 * ms; the killed one's last quarter second is lost) over the run, against the limit. Run it with
 * `provision` to see the one-process figure of the same run beside it. Needs DATABASE_URL.
 */
export const provisionWorkersBench: Benchmark = {
  name: 'provision-workers',
  description: `3 processes sharing one token's rate through PostgreSQL at a limit of ${SERVER_LIMIT}/s, one SIGKILLed at ${KILL_AT_S} s, one joining at ${JOIN_AT_S} s: admitted requests/s vs the limit`,
  unit: 'requests/s',
  async run() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('provision-workers needs DATABASE_URL');
    const sim = await startSimulatorProcess({ rateLimitPerSecond: SERVER_LIMIT, latencyMs: 20 });
    try {
      return await withPgSchema(url, async (schema) => {
        const db = openDb({ client: 'pg', connection: url }, { searchPath: schema });
        await migrateDb(db);
        await db.destroy();
        // The clock starts once the first three print their first counts: on a loaded machine a
        // process takes seconds to start, and the kill and the join are timed from there.
        let start = performance.now();
        const at = () => performance.now() - start;
        const startWorker = (): Worker => {
          const child = spawn(
            process.execPath,
            [WORKER, sim.url, schema, TOKEN, String(SERVER_LIMIT)],
            { stdio: ['ignore', 'pipe', 'inherit'] },
          );
          const w: Worker = { child, last: ZERO, history: [] };
          let buffered = '';
          child.stdout!.on('data', (d: Buffer) => {
            buffered += d.toString();
            const lines = buffered.split('\n');
            buffered = lines.pop() as string;
            for (const line of lines) {
              w.last = JSON.parse(line) as Counts;
              w.history.push({ at: at(), counts: w.last });
            }
          });
          return w;
        };
        const workers = [startWorker(), startWorker(), startWorker()];
        while (workers.some((w) => w.history.length === 0)) await sleep(50);
        const started = performance.now() - start;
        start = performance.now();
        for (const w of workers) w.history = [{ at: 0, counts: w.last }];
        await sleep(KILL_AT_S * 1000);
        workers[2]!.child.kill('SIGKILL');
        await sleep((JOIN_AT_S - KILL_AT_S) * 1000);
        workers.push(startWorker());
        await sleep((END_AT_S - JOIN_AT_S) * 1000);
        const end = at();
        await Promise.all(
          workers.map(
            (w) =>
              new Promise<void>((resolve) => {
                if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
                w.child.once('exit', () => resolve());
                w.child.kill('SIGTERM');
              }),
          ),
        );
        // Counted up to the end (requests finished while stopping are left out).
        const upTo = (w: Worker, t: number) => w.history.findLast((h) => h.at <= t)?.counts ?? ZERO;
        const sum = (t: number, key: keyof Counts) =>
          workers.reduce((n, w) => n + upTo(w, t)[key], 0);
        const admitted = (t: number) => sum(t, 'requests') - sum(t, 'rateLimited');
        const requests = sum(end, 'requests') - sum(0, 'requests');
        const refused = sum(end, 'rateLimited') - sum(0, 'rateLimited');
        const phase = (from: number, to: number) =>
          ((admitted(to * 1000) - admitted(from * 1000)) / (to - from)).toFixed(1);
        return {
          value: (admitted(end) - admitted(0)) / (end / 1000),
          baseline: 'server limit',
          baselineValue: SERVER_LIMIT,
          details: {
            seconds: (end / 1000).toFixed(1),
            startSeconds: (started / 1000).toFixed(1),
            requests,
            answered429: refused,
            share429: (refused / requests).toFixed(4),
            [`rate0to${KILL_AT_S}s`]: phase(0, KILL_AT_S),
            [`rate${KILL_AT_S}to${JOIN_AT_S}s`]: phase(KILL_AT_S, JOIN_AT_S),
            [`rate${JOIN_AT_S}to${END_AT_S}s`]: phase(JOIN_AT_S, end / 1000),
            joinerRequests: upTo(workers[3]!, end).requests,
            blocksClaimed: sum(end, 'claims'),
            slotsGivenUp: `${sum(end, 'givenUp')} of ${sum(end, 'slots')} (${sum(end, 'wokeLate')} woken too late)`,
          },
        };
      });
    } finally {
      await sim.close();
    }
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

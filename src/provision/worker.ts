import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { PIPELINE_LOCK, sharedRateOf, type App } from '../runs/index.ts';
import {
  acquireLease,
  listPartnerIds,
  readLease,
  releaseLease,
  renewLease,
} from '../store/index.ts';
import { openWebexTargets, AuthError, type WebexPort } from '../webex/index.ts';
import { drain, sleep, type Engine } from './apply.ts';

export interface WorkerOptions {
  /** Work for this run only and stop when it ends; without it, work for whichever run holds the lock. */
  runId: string | null;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /**
   * An upper bound: this process uses at most 1/rateShare of `webex.requestsPerSecond` (1: no
   * bound). The token's rate itself is shared through the ledger whatever this says.
   */
  rateShare: number;
}

/** How often an idle worker looks for work. */
const IDLE_MS = 250;

/** Where a worker's lease lives: one per worker, beside the run's `pipeline` lease. */
export const workerLeaseName = (workerId: string) => `worker:${workerId}`;

/**
 * A worker drains the outbox for the run that holds the pipeline lock: it claims changes (on
 * PostgreSQL with SKIP LOCKED, so workers never take the same change), sends them and records the
 * outcomes under the run's id. It plans nothing and follows nothing: the run does. It holds a lease
 * of its own while it works, so a worker that dies leaves its claims to others. Returns the number
 * of changes it sent.
 */
export async function runWorker(app: App, opts: WorkerOptions): Promise<number> {
  const { config, db, clock } = app;
  const workerId = `w-${os.hostname().slice(0, 24)}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const name = workerLeaseName(workerId);
  const ttlMs = config.lock.leaseSeconds * 1000;
  const log = app.logger.child({ worker: workerId });
  const got = await acquireLease(db, {
    name,
    owner: workerId,
    host: os.hostname(),
    pid: process.pid,
    now: new Date(),
    ttlMs,
  });
  if (!got.acquired) throw new Error(`worker lease ${name} is held by another process`);
  const controller = new AbortController();
  const onAbort = () => controller.abort(opts.signal.reason);
  // A stop that came while the command started (SIGTERM held while the ledger opened) has already
  // fired: a listener added now would never hear it, and the worker would work on for ever.
  if (opts.signal.aborted) onAbort();
  else opts.signal.addEventListener('abort', onAbort, { once: true });
  const heartbeat = setInterval(
    () => {
      renewLease(db, name, workerId, new Date(), ttlMs)
        .then((held) => {
          if (!held) {
            log.error('the worker lost its lease: stopping');
            controller.abort(new Error('lease lost'));
          }
        })
        .catch((err: unknown) => log.warn(`could not renew the lease: ${(err as Error).message}`));
    },
    Math.max(1000, ttlMs / 3),
  );
  heartbeat.unref();

  const share = Math.max(1, opts.rateShare);
  const targets = await openWebexTargets(
    config,
    clock,
    opts.env,
    controller.signal,
    sharedRateOf(app, share > 1 ? config.webex.requestsPerSecond / share : undefined),
  );
  let sent = 0;
  // Partners whose token Webex refused, and the run it refused it in: asking again would only be
  // refused again, so they wait for the next run (the run itself stops the partner with a note).
  const refused = new Map<string, string>();
  try {
    while (!controller.signal.aborted) {
      const holder = await readLease(db, PIPELINE_LOCK);
      const runId = holder?.owner ?? null;
      if (opts.runId !== null && runId !== opts.runId) break; // our run is over
      if (runId === null) {
        await sleep(1000, controller.signal);
        continue;
      }
      const eng: Engine = {
        db,
        config,
        clock,
        log,
        signal: controller.signal,
        owner: workerId,
        runId,
      };
      let round = 0;
      const partners = await listPartnerIds(db);
      for (const partner of partners) {
        const target = targets.portFor(partner);
        if (!target.port || refused.get(partner) === runId) continue;
        const port: WebexPort = target.port;
        for (const entity of ['subscriber', 'customer'] as const) {
          try {
            round += await drain(eng, partner, port, entity, { untilSettled: false });
          } catch (err) {
            if (!(err instanceof AuthError)) throw err;
            log.error(
              `partner ${partner}: Webex refused its token; no more of its work in this run`,
              {
                partner,
              },
            );
            refused.set(partner, runId);
            break;
          }
        }
      }
      sent += round;
      if (round === 0) await sleep(IDLE_MS, controller.signal);
    }
  } finally {
    clearInterval(heartbeat);
    opts.signal.removeEventListener('abort', onAbort);
    await targets.close();
    await releaseLease(db, name, workerId);
  }
  log.info(`worker ${workerId} stops after sending ${sent} change(s)`);
  return sent;
}

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PACKAGE_ROOT } from '../src/package-root.ts';
import { runProvision } from '../src/provision/index.ts';
import type { Summary } from '../src/reports/index.ts';
import { runJob, sharedRateOf, type App, type JobOptions } from '../src/runs/index.ts';
import { openWebexTargets } from '../src/webex/index.ts';

const BIN = path.join(PACKAGE_ROOT, 'bin/rtm-batch.js');

/**
 * `rtm-batch provision`: send staged changes to Webex and follow their outcomes. With `workers` > 1
 * (PostgreSQL) the run starts workers - 1 `provision-worker` processes for its own run id; they and
 * the run share the outbox and each token's rate budget in the ledger, and stop when the run ends.
 */
export async function provisionJob(
  app: App,
  opts: Omit<JobOptions, 'job'> & { workers?: number },
  env: NodeJS.ProcessEnv,
): Promise<Summary> {
  const workers = opts.workers ?? 1;
  return runJob(app, { ...opts, job: 'provision' }, async (ctx) => {
    const children = workers > 1 && !ctx.dryRun ? startWorkers(app, ctx.runId, workers, env) : [];
    const targets = await openWebexTargets(
      app.config,
      app.clock,
      env,
      ctx.signal,
      sharedRateOf(app),
    );
    try {
      await runProvision(ctx, targets);
    } finally {
      await targets.close();
      await stopWorkers(app, children);
    }
  });
}

function startWorkers(app: App, runId: string, workers: number, env: NodeJS.ProcessEnv) {
  const args = [
    BIN,
    '--home',
    app.config.home,
    ...(app.config.configFile ? ['--config', app.config.configFile] : []),
    'provision-worker',
    '--run',
    runId,
  ];
  return Array.from({ length: workers - 1 }, () =>
    spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
}

/** How long a worker may take to finish its sends after SIGTERM before it is killed. */
const WORKER_STOP_GRACE_MS = 30_000;

/**
 * Workers stop by themselves once the run's lock is released; SIGTERM makes them finish now. The
 * run waits for them while it holds the lock, so a worker that does not stop would hold the run for
 * ever: after a grace it is killed, which is safe (its claims expire, and a send whose answer it
 * lost is looked up before anything is sent again).
 */
async function stopWorkers(app: App, children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => {
            app.logger.warn(
              `provision-worker ${child.pid} did not stop ${WORKER_STOP_GRACE_MS / 1000} s after SIGTERM: killed`,
            );
            child.kill('SIGKILL');
          }, WORKER_STOP_GRACE_MS);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

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
      await stopWorkers(children);
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

/** Workers stop by themselves once the run's lock is released; SIGTERM makes them finish now. */
async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}

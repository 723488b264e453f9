import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO_ROOT, 'bin', 'rtm-batch.js');

export interface CliResult {
  code: number | null;
  /** The signal that ended it (SIGKILL for a crash point), else null. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A new empty workspace folder. */
export function tempHome(prefix = 'rtm-home-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes rtm-batch.config.json into a workspace. */
export function writeConfig(home: string, config: unknown): void {
  writeFileSync(
    path.join(home, 'rtm-batch.config.json'),
    typeof config === 'string' ? config : JSON.stringify(config, null, 2),
  );
}

/** Runs the installed command as a separate process, as cron or an operator would. */
export function runCli(
  args: string[],
  opts: { home?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = startCli(args, opts);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Starts the installed command without waiting for it: for tests that kill it on the way. */
export function startCli(
  args: string[],
  opts: { home?: string; env?: Record<string, string | undefined> } = {},
): ChildProcessWithoutNullStreams {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  if (opts.home) env.RTM_HOME = opts.home;
  // Store tests on PostgreSQL use DATABASE_URL; CLI tests use their workspace's SQLite unless asked.
  if (!opts.env || !('DATABASE_URL' in opts.env)) delete env.DATABASE_URL;
  return spawn(process.execPath, [BIN, ...args], { env, cwd: opts.home ?? REPO_ROOT });
}

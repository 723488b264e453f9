import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `rtm-batch simulator` in a process of its own, as Webex would be; `simulator`: its config key. */
export async function startSimulatorProcess(
  simulator: Record<string, number>,
  /** The simulator's state file (its JSON text), to start with a Webex already filled. */
  state?: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'rtm-bench-sim-'));
  writeFileSync(path.join(home, 'rtm-batch.config.json'), JSON.stringify({ simulator }));
  if (state !== undefined) {
    mkdirSync(path.join(home, 'var', 'simulator'), { recursive: true });
    writeFileSync(path.join(home, 'var', 'simulator', 'state.json'), state);
  }
  const bin = fileURLToPath(new URL('../bin/rtm-batch.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'simulator', '--port', '0', '--home', home], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DATABASE_URL: '' },
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`simulator exited ${code}`)));
  });
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(home, { recursive: true, force: true });
    },
  };
}

import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, tempHome } from '../support/cli.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'rtm-batch.js');

describe('cli: the installed command', () => {
  it('when whoever reads its output goes away (`| head`), then it finishes without a crash and exits 0', async () => {
    const child = spawn(process.execPath, [BIN, '--help'], {
      env: { ...process.env, RTM_HOME: tempHome() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // the reader is gone before the command writes
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(stderr).to.not.match(/EPIPE|Error/);
    expect(code).to.equal(0);
  });

  it('when bin/rtm-batch.js runs as an executable, then its shebang starts the built CLI under node with two malloc arenas', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, RTM_HOME: tempHome() };
    delete env.MALLOC_ARENA_MAX;
    // The simulator keeps running once it listens: its environment can be read while it does.
    const child = spawn(BIN, ['simulator', '--port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (/http:\/\/\S+\n/.test(out)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`the simulator exited ${code}`)));
      });
      const environ = readFileSync(`/proc/${child.pid}/environ`, 'latin1').split('\0');
      expect(environ).to.include('MALLOC_ARENA_MAX=2');
      const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'latin1').split('\0');
      expect(path.basename(argv[0] ?? '')).to.match(/^node/);
      expect(argv[1]).to.equal(BIN);
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    }
  });
});

import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openDb } from '../../src/store/index.ts';
import { REPO_ROOT, tempHome } from '../support/cli.ts';

const UNITS = path.join(REPO_ROOT, 'contrib', 'systemd');

describe('schedule: contrib/systemd units and the crontab line of docs/operations.md', function () {
  this.timeout(60_000);

  it('when the units are checked by systemd-analyze verify, then it finds nothing to say', () => {
    const units = readdirSync(UNITS).map((f) => path.join(UNITS, f));
    expect(units.map((u) => path.basename(u)).sort()).to.deep.equal([
      'rtm-batch-nightly.service',
      'rtm-batch-nightly.timer',
      'rtm-batch-scheduler.service',
    ]);
    for (const unit of units) {
      const text = readFileSync(unit, 'utf8');
      if (unit.endsWith('.service'))
        expect(text).to.match(/^ExecStart=\/usr\/bin\/node \/opt\/rtm-batch\/bin\/rtm-batch\.js /m);
    }
    const analyze = spawnSync('systemd-analyze', ['verify', ...units], { encoding: 'utf8' });
    // Where systemd is not installed the units are checked by the lines above only.
    if ((analyze.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return;
    expect({ code: analyze.status, out: analyze.stdout + analyze.stderr }).to.deep.equal({
      code: 0,
      out: '',
    });
  });

  it('when the crontab line runs while another holds its lock, then nothing runs; alone, the night runs', async () => {
    const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
    const line = /```crontab\n(.+)\n```/.exec(doc)?.[1] as string;
    const home = tempHome('rtm-cron-');
    const lock = path.join(home, 'cron.lock');
    // The command after the five time fields, with this machine's paths.
    const command = line
      .split(/\s+/)
      .slice(5)
      .join(' ')
      .replaceAll('/tmp/rtm-batch-nightly.lock', lock)
      .replaceAll('/opt/rtm-batch', REPO_ROOT.replace(/\/$/, ''))
      .replaceAll('/srv/rtm-batch', home)
      .replaceAll('/usr/bin/node', process.execPath);
    const env = { ...process.env, DATABASE_URL: '' };
    const sh = (cmd: string) =>
      new Promise<number | null>((resolve) => {
        spawn('sh', ['-c', cmd], { env, stdio: 'ignore' }).once('exit', resolve);
      });
    // The workspace was made first, as docs/operations.md says ("Start a workspace").
    const init = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'rtm-batch.js'), '--home', home, 'init'],
      { env, encoding: 'utf8' },
    );
    expect(init.status, init.stderr).to.equal(0);
    // Another holder (a night still running) keeps the lock for a few seconds.
    const holder = spawn('flock', [lock, 'sleep', '5'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await sh(command)).to.equal(1);
    await new Promise((r) => holder.once('exit', r));
    expect(await sh(command)).to.equal(0);
    const db = openDb({
      client: 'sqlite3',
      connection: path.join(home, 'var', 'rtm-batch.sqlite'),
    });
    try {
      const runs = (await db('runs').select('job', 'status')) as { job: string; status: string }[];
      expect(runs).to.deep.equal([{ job: 'nightly', status: 'ok' }]);
    } finally {
      await db.destroy();
    }
  });
});

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describeProgress, formatDuration } from '../../src/cli/progress.ts';
import { REPO_ROOT } from '../support/cli.ts';
import {
  population,
  runRtm,
  stage,
  startSimProcess,
  type SimProcess,
  type Workspace,
  workspace,
} from './engine-support.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'rtm-batch.js');

describe('progress: what a run shows while it works (issue 19, item 2)', function () {
  this.timeout(120_000);

  it('when figures are described, then done/total, percent, rates, 429s and ETA are said', () => {
    expect(
      describeProgress(
        { done: 300, total: 1200, unit: 'changes', requests: 330, rateLimited: 4 },
        10_000,
      ),
    ).to.equal('300/1,200 changes (25%), 30.0 changes/s, 33.0 req/s, 4 429s, ETA 30s');
    expect(
      describeProgress(
        { done: 5000, total: null, unit: 'rows', bytes: 1_048_576, totalBytes: 4_194_304 },
        2000,
      ),
    ).to.equal('5,000 rows, 1.0/4.0 MB, 2500.0 rows/s, ETA 6s');
    expect(formatDuration(75)).to.equal('1m15s');
    expect(formatDuration(3700)).to.equal('1h01m');
  });

  describe('a provisioning run against a slow Webex', () => {
    let sim: SimProcess | null = null;
    let ws: Workspace | null = null;
    beforeEach(async () => {
      sim = await startSimProcess({
        rateLimitPerSecond: 1000,
        latencyMs: 150,
        provisioningSeconds: 0.1,
      });
      ws = await workspace(sim.url, {
        webex: { requestsPerSecond: 20, concurrency: 4 },
      });
      await stage(ws.db, 'acme', population(80, 0, 'prog').customers);
    });
    afterEach(async () => {
      await ws?.db.destroy();
      await sim?.stop().catch(() => undefined);
      ws = sim = null;
    });

    it('when stderr is not a terminal, then a timestamped progress line comes every logging.progressSeconds, with no bar', async () => {
      const w = ws as Workspace;
      const { writeFileSync, readFileSync } = await import('node:fs');
      const file = path.join(w.home, 'rtm-batch.config.json');
      const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      writeFileSync(file, JSON.stringify({ ...config, logging: { progressSeconds: 1 } }));
      const run = await runRtm(w, ['provision']);
      expect(run.code, run.stderr).to.equal(0);
      const lines = run.stderr.split('\n').filter((l) => l.includes(' progress provision acme: '));
      // Before: nothing at all between "started" and the end.
      expect(lines.length, run.stderr).to.be.at.least(2);
      for (const line of lines)
        expect(line, line).to.match(
          /^\d{4}-\d\d-\d\dT[\d:.]+Z info {2}progress provision acme: \d+\/80 changes \(\d+%\), [\d.]+ changes\/s, [\d.]+ req\/s, \d+ 429s/,
        );
      // An ETA once something is done (before the first change is done there is no rate to go by;
      // on a loaded machine the first line can come before that).
      const going = lines.filter((l) => !/: 0\/80 changes/.test(l));
      expect(going.length, run.stderr).to.be.at.least(1);
      for (const line of going) expect(line, line).to.match(/, ETA \d+/);
      expect(run.stderr).not.to.match(/[█░]/);
    });

    it('when reconcile lists a slow Webex without a terminal, then its progress line counts the pages read', async () => {
      await sim?.stop().catch(() => undefined);
      sim = await startSimProcess({ latencyMs: 2500 });
      const w = await workspace(sim.url, { webex: { requestsPerSecond: 20 } });
      const { writeFileSync, readFileSync } = await import('node:fs');
      const file = path.join(w.home, 'rtm-batch.config.json');
      const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      writeFileSync(file, JSON.stringify({ ...config, logging: { progressSeconds: 1 } }));
      await stage(w.db, 'acme', population(3, 0, 'rec').customers);
      const run = await runRtm(w, ['reconcile']);
      await w.db.destroy();
      expect(run.code, run.stderr).to.be.oneOf([0, 1]);
      expect(run.stderr).to.match(/Z info {2}progress reconcile acme: \d+ pages, [\d.]+ pages\/s/);
    });

    it('when it runs on a terminal, then a progress bar shows done/total, rates, 429s and ETA', async () => {
      const w = ws as Workspace;
      const command = [process.execPath, BIN, '--home', w.home, 'provision']
        .map((a) => `'${a}'`)
        .join(' ');
      const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], {
        env: { ...process.env, ACME_TOKEN: 'acme-token-1234', DATABASE_URL: '', TERM: 'xterm' },
      });
      expect(stdout).to.match(/provision acme \[[█░]+\] \d+\/80 changes/);
      expect(stdout).to.match(
        /80\/80 changes \(100%\), [\d.]+ changes\/s, [\d.]+ req\/s, \d+ 429s, ETA 0s/,
      );
      expect(stdout).to.contain('customers:   80 created');
    });
  });
});

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main.ts';
import { REPO_ROOT, runCli, tempHome, writeConfig } from '../support/cli.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'rtm-batch.js');

/** Runs main in this process, as the command line would, and keeps what it writes. */
async function cli(argv: string[], cwd = tempHome()) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: { RTM_HOME: cwd },
    cwd,
  });
  return { code, stdout, stderr };
}

/** Runs the installed command on a pseudo-terminal (util-linux `script`), as a person would. */
async function onTerminal(args: string[], env: Record<string, string>) {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], {
    env: { ...process.env, ...env, TERM: 'xterm' },
  });
  return stdout;
}

const ESC = '\u001b[';

describe('cli: the command line a person uses (issue 19, item 4)', () => {
  it('when asked for --version, then it prints the version in package.json and exits 0', async () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const run = await cli(['--version']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal(`${pkg.version}\n`);
  });

  it("when each command's --help is read, then it shows its options, the global options and two examples", async () => {
    // The commands the top-level help lists (a command added later is checked too), the sub-command
    // of rpl and the hidden worker.
    const names: string[][] = [['rpl', 'contact'], ['provision-worker']];
    const top = await cli(['--help']);
    for (const line of top.stdout.split('\n')) {
      const m = /^ {2}([a-z][a-z-]+)\b/.exec(line);
      if (m && m[1] !== 'help') names.push([m[1]!]);
    }
    expect(names.map((n) => n.join(' '))).to.include.members(['import', 'nightly', 'status']);
    for (const name of names) {
      const help = await cli([...name, '--help']);
      expect(help.code, name.join(' ')).to.equal(0);
      expect(help.stdout, name.join(' ')).to.contain('Global Options:');
      expect(help.stdout, name.join(' ')).to.contain('--home <dir>');
      expect(help.stdout, name.join(' ')).to.contain('--partner <id>');
      const examples = help.stdout.split('Examples:')[1] ?? '';
      expect(
        examples.split('\n').filter((l) => l.startsWith(`  $ rtm-batch`)),
        name.join(' '),
      ).to.have.length(2);
    }
  });

  it('when template has no --out, then it writes template-<locale>.xlsx in the current folder', async function () {
    this.timeout(30_000);
    const here = tempHome();
    const run = await cli(['template', '--locale', 'ja'], here);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout.trim()).to.equal(path.join(here, 'template-ja.xlsx'));
    expect(readFileSync(path.join(here, 'template-ja.xlsx')).subarray(0, 2).toString()).to.equal(
      'PK',
    );
  });

  it('when an output folder does not exist, then template and deprovision --plan are usage errors (exit 2) naming it', async () => {
    const here = tempHome();
    const missing = path.join(here, 'no', 'such');
    const template = await cli(['template', '--locale', 'en', '--out', `${missing}/t.xlsx`], here);
    expect(template.code).to.equal(2);
    expect(template.stderr).to.contain(`the folder ${missing} does not exist`);
    const plan = await cli(['deprovision', '--plan', '--out', `${missing}/plan.json`], here);
    expect(plan.code).to.equal(2);
    expect(plan.stderr).to.contain(`the folder ${missing} does not exist`);
    expect(existsSync(path.join(here, 'no'))).to.equal(false);
  });

  it('when stdout and stderr are piped, then no colour is written and each log line starts with a timestamp', async function () {
    this.timeout(60_000);
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    const run = await runCli(['nightly', '--demo'], { home });
    expect(run.stdout + run.stderr).not.to.contain(ESC);
    const lines = run.stderr.split('\n').filter(Boolean);
    expect(lines.length).to.be.above(2);
    for (const line of lines)
      expect(line).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (info|warn|error) /);
  });

  it('when it runs on a terminal, then the status word and log levels are coloured, without timestamps; NO_COLOR turns colour off', async function () {
    this.timeout(60_000);
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    mkdirSync(path.join(home, 'inbox', 'acme'), { recursive: true });
    const coloured = await onTerminal(['import'], { RTM_HOME: home });
    expect(coloured).to.contain(`${ESC}32mok${ESC}0m`);
    expect(coloured).to.contain(`${ESC}32minfo `);
    expect(coloured).not.to.match(/^\d{4}-\d\d-\d\dT/m);
    const plain = await onTerminal(['import'], { RTM_HOME: home, NO_COLOR: '1' });
    expect(plain).to.contain(': ok (exit 0)');
    // No colour code (cursor codes of the progress display are not colour).
    for (const code of [31, 32, 33, 1, 2]) expect(plain).not.to.contain(`${ESC}${code}m`);
  });
});

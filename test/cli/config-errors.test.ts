import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';

describe('cli: configuration errors', () => {
  it('when the configuration has three mistakes, then three errors are printed, exit 2, and nothing is touched', async () => {
    const home = tempHome();
    writeConfig(home, {
      reportLocale: 'xx',
      inbox: { stableSeconds: 'soon' },
      simulator: { faultRate: 2 },
    });
    const res = await runCli(['nightly'], { home });
    expect(res.code).to.equal(2);
    const errors = res.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(errors, res.stderr).to.have.length(3);
    expect(res.stderr)
      .to.match(/reportLocale/)
      .and.match(/inbox\.stableSeconds/)
      .and.match(/simulator\.faultRate/);
    expect(readdirSync(home)).to.deep.equal(['rtm-batch.config.json']);
  });

  it('when a configuration error quotes a URL holding a password, then stderr names the setting and masks the password', async () => {
    const home = tempHome();
    writeConfig(home, { webex: { baseUrl: 'https://svc:hunter2pass@webex example/v1' } });
    const res = await runCli(['nightly'], { home });
    expect(res.code).to.equal(2);
    expect(res.stderr).to.contain('webex.baseUrl: must be an http(s) URL');
    expect(res.stderr).to.contain('https://svc:[REDACTED]@webex example/v1');
    expect(res.stderr).not.to.contain('hunter2pass');
  });

  it('when --config names a missing file, then exit 2 naming it', async () => {
    const home = tempHome();
    const res = await runCli(['import', '--config', path.join(home, 'nope.json')], { home });
    expect(res.code).to.equal(2);
    expect(res.stderr).to.contain('nope.json');
    expect(existsSync(path.join(home, 'var'))).to.equal(false);
  });

  it('when a command is unknown, then exit 2 with help on stderr', async () => {
    const res = await runCli(['provison'], { home: tempHome() });
    expect(res.code).to.equal(2);
    expect(res.stderr).to.match(/unknown command/);
  });

  it('when --help is asked of every contract command, then each answers with its description', async function () {
    this.timeout(90_000);
    for (const cmd of [
      'import',
      'provision',
      'rpl-recheck',
      'reconcile',
      'nightly',
      'schedule',
      'status',
      'template',
      'deprovision',
      'simulator',
    ]) {
      const res = await runCli([cmd, '--help']);
      expect(res.code, cmd).to.equal(0);
      expect(res.stdout, cmd).to.match(new RegExp(`Usage: rtm-batch ${cmd}`));
    }
    const contact = await runCli(['rpl', 'contact', '--help']);
    expect(contact.stdout).to.match(/--outcome <outcome>/);
  });
});

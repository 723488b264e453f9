import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.ts';

function home(config?: unknown): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rtm-cfg-'));
  if (config !== undefined)
    writeFileSync(
      path.join(dir, 'rtm-batch.config.json'),
      typeof config === 'string' ? config : JSON.stringify(config),
    );
  return dir;
}

describe('loadConfig', () => {
  it('when there is no configuration file, then the embedded defaults apply', () => {
    const dir = home();
    const { config, errors } = loadConfig({ env: {}, cwd: dir });
    expect(errors).to.equal(undefined);
    expect(config?.home).to.equal(dir);
    expect(config?.reportLocale).to.equal('en');
    expect(config?.inbox.stableSeconds).to.equal(10);
    expect(config?.webex.baseUrl).to.equal(null);
    expect(config?.database).to.deep.equal({
      client: 'sqlite3',
      connection: path.join(dir, 'var', 'rtm-batch.sqlite'),
    });
    expect(config?.nowAtStart).to.equal(null);
  });

  it('when the file has three mistakes, then all three are reported together', () => {
    const dir = home({
      reportLocale: 'fr',
      inbox: { stableSeconds: -1 },
      partners: { acme: { locale: 'de' } },
    });
    const { errors } = loadConfig({ env: {}, cwd: dir });
    expect(errors).to.have.length(3);
    expect(errors?.join('\n'))
      .to.match(/reportLocale/)
      .and.match(/inbox\.stableSeconds/)
      .and.match(/partners\.acme\.locale/);
    expect(errors?.[0]).to.contain('"fr"');
  });

  it('when a setting is misspelt, then it is named', () => {
    const { errors } = loadConfig({ env: {}, cwd: home({ inbox: { stableSecond: 3 } }) });
    expect(errors).to.have.length(1);
    expect(errors?.[0]).to.match(/inbox: unknown setting "stableSecond"/);
  });

  it('when the JSON is broken, then the error says so', () => {
    const { errors } = loadConfig({ env: {}, cwd: home('{ "reportLocale": ') });
    expect(errors).to.have.length(1);
    expect(errors?.[0]).to.match(/not valid JSON/);
  });

  it('when RTM_NOW, an encoding, a cron line and a time zone are wrong, then each is an error', () => {
    const dir = home({
      partners: { acme: { encoding: 'klingon' } },
      schedule: { nightly: 'every night', timezone: 'Mars/Olympus' },
    });
    const { errors } = loadConfig({ env: { RTM_NOW: 'yesterday' }, cwd: dir });
    expect(errors).to.have.length(4);
    expect(errors?.join('\n'))
      .to.match(/RTM_NOW/)
      .and.match(/klingon/)
      .and.match(/every night/)
      .and.match(/Mars\/Olympus/);
  });

  it('when a real base URL is set without a token variable, then the partner is named', () => {
    const { errors } = loadConfig({
      env: {},
      cwd: home({ webex: { baseUrl: 'https://webexapis.com/v1' }, partners: { acme: {} } }),
    });
    expect(errors?.[0]).to.match(/partners\.acme\.webex\.tokenEnv: required/);
  });

  it('when RTM_NOW, DATABASE_URL and a token variable are set, then they are used and the secrets are known', () => {
    const dir = home({ partners: { acme: { webex: { tokenEnv: 'ACME_TOKEN' } } } });
    const { config } = loadConfig({
      env: {
        RTM_NOW: '2026-01-02T03:04:05Z',
        DATABASE_URL: 'postgres://u:s3cretpw@db/rtm',
        ACME_TOKEN: 'tok-123456',
      },
      cwd: dir,
    });
    expect(config?.nowAtStart).to.equal(Date.parse('2026-01-02T03:04:05Z'));
    expect(config?.database.client).to.equal('pg');
    expect(config?.secrets).to.include.members(['tok-123456', 's3cretpw']);
  });

  it('when loaded, then the configuration is frozen', () => {
    const { config } = loadConfig({ env: {}, cwd: home() });
    expect(Object.isFrozen(config)).to.equal(true);
    expect(Object.isFrozen(config?.webex)).to.equal(true);
  });

  it('when --home names a missing folder, then that is an error', () => {
    const { errors } = loadConfig({ home: '/nonexistent/rtm', env: {}, cwd: '/' });
    expect(errors?.[0]).to.match(/not a directory/);
  });
});

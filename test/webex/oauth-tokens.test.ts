import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createClock } from '../../src/clock/index.ts';
import type { Summary } from '../../src/reports/index.ts';
import { startSimulator, type RunningSimulator } from '../../src/webex/simulator/index.ts';
import { tokenFile, type StoredToken } from '../../src/webex/index.ts';
import { writeTokenFile } from '../../src/webex/oauth-token.ts';
import { writeConfig } from '../support/cli.ts';
import {
  population,
  runRtm,
  stage,
  workspace,
  type Workspace,
} from '../provision/engine-support.ts';

const CLIENT = { id: 'client-acme', secret: 'client-secret-5e1f77' };
const ENV = { ACME_CLIENT_SECRET: CLIENT.secret };

/** A simulated Webex whose access tokens live `seconds` and whose refresh tokens rotate. */
function oauthSimulator(refreshTokens: string[], seconds: number): Promise<RunningSimulator> {
  return startSimulator({
    config: {
      rateLimitPerSecond: 1000,
      latencyMs: 50,
      faultRate: 0,
      rplMatch: null,
      rplReviewMinutes: 0,
      provisioningSeconds: 0.1,
      oauth: {
        clients: { [CLIENT.id]: CLIENT.secret },
        refreshTokens,
        accessTokenSeconds: seconds,
        refreshTokenSeconds: 90 * 86400,
        rotateRefreshTokens: true,
      },
    },
    clock: createClock(null),
    stateFile: null,
    port: 0,
  });
}

/** A workspace whose partner acme talks to the simulator as an OAuth integration. */
async function oauthWorkspace(sim: RunningSimulator): Promise<Workspace> {
  const ws = await workspace(sim.url, { webex: { requestsPerSecond: 10, concurrency: 4 } });
  const file = path.join(ws.home, 'rtm-batch.config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as { partners: unknown };
  writeConfig(ws.home, {
    ...config,
    partners: {
      acme: {
        webex: {
          oauth: {
            clientId: CLIENT.id,
            clientSecretEnv: 'ACME_CLIENT_SECRET',
            refreshTokenEnv: 'ACME_REFRESH_TOKEN',
          },
        },
      },
    },
  });
  return ws;
}

/** Everything a run wrote that a person or a log collector reads. */
function everythingWritten(home: string): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (
        /\.(log|json|html|csv)$/.test(entry.name) &&
        !p.includes(`${path.sep}tokens${path.sep}`)
      )
        out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(path.join(home, 'var', 'logs'));
  walk(path.join(home, 'reports'));
  return out.join('\n');
}

describe('webex: OAuth tokens that outlive their expiry (separate process, simulated Webex)', function () {
  this.timeout(90_000);
  let sim: RunningSimulator | null = null;
  let ws: Workspace | null = null;
  afterEach(async () => {
    await ws?.db.destroy();
    await sim?.close();
    ws = sim = null;
  });

  it('when access tokens expire every 2 s during a night, then they are refreshed before expiry, the rotated refresh token is kept in a 0600 file, and each customer is created once', async () => {
    const seed = 'seed-refresh-token-3c9d01';
    sim = await oauthSimulator([seed], 2);
    ws = await oauthWorkspace(sim);
    await stage(ws.db, 'acme', population(30, 0, 'tok').customers);
    const env = { ...ENV, ACME_REFRESH_TOKEN: seed };
    const night = await runRtm(ws, ['provision', '--json'], env);
    expect(night.code, night.stderr).to.equal(0);
    const summary = JSON.parse(night.stdout) as Summary;
    expect(summary.customers.created).to.equal(30);
    expect(Object.values(sim.stats().createsByExternalId)).to.deep.equal(Array(30).fill(1));
    // The night outlasted several tokens: each renewed ahead of its expiry.
    expect(sim.oauth?.refreshes).to.be.at.least(2);

    const file = tokenFile(ws.home, 'acme');
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredToken;
    // Rotation: the seed is spent; the one refresh token Webex still honours is the stored one.
    expect(sim.oauth?.validRefreshTokens()).to.deep.equal([stored.refreshToken]);
    expect(stored.refreshToken).not.to.equal(seed);

    // The next night starts from the stored token although the environment still has the spent seed.
    const next = await runRtm(ws, ['provision', '--json'], env);
    expect(next.code, next.stderr).to.equal(0);
    const written = everythingWritten(ws.home) + night.stdout + night.stderr + next.stderr;
    const after = JSON.parse(readFileSync(file, 'utf8')) as StoredToken;
    for (const secret of [
      seed,
      CLIENT.secret,
      stored.accessToken,
      stored.refreshToken,
      after.refreshToken,
    ])
      expect(written).not.to.include(secret as string);
  });

  it('when Webex refuses a stored access token (401), then it is refreshed once and the calls go through', async () => {
    const seed = 'seed-refresh-token-77aa10';
    sim = await oauthSimulator(['stored-refresh-token-19bf'], 3600);
    ws = await oauthWorkspace(sim);
    // A token this Webex no longer honours (revoked) that looks valid for another hour.
    await writeTokenFile(tokenFile(ws.home, 'acme'), {
      accessToken: 'revoked-access-token-5d2e',
      accessExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
      accessLifetimeMs: 3600_000,
      refreshToken: 'stored-refresh-token-19bf',
      refreshExpiresAt: null,
      seedSha256: createHash('sha256').update(seed).digest('hex'),
      refreshedAt: null,
    });
    await stage(ws.db, 'acme', population(5, 0, 'rev').customers);
    const run = await runRtm(ws, ['provision', '--json'], { ...ENV, ACME_REFRESH_TOKEN: seed });
    expect(run.code, run.stderr).to.equal(0);
    expect((JSON.parse(run.stdout) as Summary).customers.created).to.equal(5);
    expect(sim.stats().byStatus['401']).to.be.at.least(1);
    expect(sim.oauth?.refreshes).to.equal(1);
    expect(Object.values(sim.stats().createsByExternalId)).to.deep.equal(Array(5).fill(1));
  });

  it('when the refresh is refused, then the partner’s work stops with attention saying what to re-authorise, and no secret is shown', async () => {
    const seed = 'unknown-refresh-token-4f0c';
    sim = await oauthSimulator(['another-refresh-token'], 3600);
    ws = await oauthWorkspace(sim);
    await stage(ws.db, 'acme', population(3, 0, 'ref').customers);
    const run = await runRtm(ws, ['provision', '--json'], { ...ENV, ACME_REFRESH_TOKEN: seed });
    expect(run.code, run.stderr).to.equal(1);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary.status).to.equal('attention');
    const [item] = summary.attention;
    expect(item).to.include({ kind: 'token_refused', partner: 'acme', count: 3 });
    expect(item?.message).to.match(
      /HTTP 400, invalid_grant.*re-authorise the integration \(client id client-acme\) and put its new refresh token in ACME_REFRESH_TOKEN/,
    );
    expect(sim.stats().createsByExternalId).to.deep.equal({});
    const written = everythingWritten(ws.home) + run.stdout + run.stderr;
    expect(written).not.to.include(seed);
    expect(written).not.to.include(CLIENT.secret);
  });
});

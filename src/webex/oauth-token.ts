import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { redactString } from '../log/index.ts';
import { AuthError } from './errors.ts';
import type { TokenSource } from './http-client.ts';

/** When an access token is renewed ahead of its expiry, and how long the token endpoint may take. */
export const TOKEN_POLICY = {
  /** Renew when less than this is left… */
  refreshMarginMs: 10 * 60_000,
  /** …or less than this share of the token's lifetime (short-lived tokens). */
  refreshMarginShare: 0.2,
  timeoutMs: 15_000,
} as const;

/** What is kept per partner in var/tokens/<partner>.json (mode 0600). */
export interface StoredToken {
  accessToken: string | null;
  accessExpiresAt: string | null;
  /** The lifetime the endpoint gave, to renew short-lived tokens in time. */
  accessLifetimeMs: number | null;
  refreshToken: string;
  refreshExpiresAt: string | null;
  /** sha256 of the refresh token last read from the environment: a new one there replaces ours. */
  seedSha256: string | null;
  refreshedAt: string | null;
}

export interface OAuthClientSettings {
  partner: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** The refresh token an authorisation gave (environment), used when none is stored or it changed. */
  seedRefreshToken: string | null;
  /** Names for messages: where a person puts a new refresh token. */
  refreshTokenEnv: string;
  file: string;
  secrets: readonly string[];
}

/** A refresh that failed: the partner's work stops (attention token_refused) saying what to do. */
export class TokenRefreshError extends AuthError {}

/** The token file for a partner. */
export const tokenFile = (home: string, partner: string) =>
  path.join(home, 'var', 'tokens', `${partner}.json`);

/**
 * An OAuth integration's access token for one partner: read from its 0600 file, renewed through
 * `POST <tokenUrl>` grant_type=refresh_token before it expires and once after a 401; a rotated
 * refresh token is written (atomically) before the new access token is used.
 */
export class OAuthTokenSource implements TokenSource {
  private state: StoredToken | null = null;
  private inFlight: Promise<string> | null = null;
  private readonly seen: string[] = [];

  constructor(private readonly s: OAuthClientSettings) {
    if (s.seedRefreshToken) this.seen.push(s.seedRefreshToken);
  }

  known(): readonly string[] {
    return this.seen;
  }

  async token(): Promise<string> {
    const state = (this.state ??= await this.load());
    if (state.accessToken && !this.dueForRefresh(state)) return state.accessToken;
    return this.refresh(state.accessToken ?? '');
  }

  refresh(rejected: string): Promise<string> {
    // Another call already renewed the token this one was refused with: use the new one.
    if (
      this.state?.accessToken &&
      this.state.accessToken !== rejected &&
      !this.dueForRefresh(this.state)
    )
      return Promise.resolve(this.state.accessToken);
    this.inFlight ??= this.grant().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private dueForRefresh(state: StoredToken): boolean {
    if (!state.accessExpiresAt) return true;
    const lifetime = state.accessLifetimeMs ?? Infinity;
    const margin = Math.min(
      TOKEN_POLICY.refreshMarginMs,
      lifetime * TOKEN_POLICY.refreshMarginShare,
    );
    return Date.parse(state.accessExpiresAt) - Date.now() <= margin;
  }

  private async load(): Promise<StoredToken> {
    let stored: StoredToken | null = null;
    try {
      stored = JSON.parse(await readFile(this.s.file, 'utf8')) as StoredToken;
      this.seen.push(...[stored.accessToken, stored.refreshToken].filter((t): t is string => !!t));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw this.fail(`its token file ${this.s.file} cannot be read (${(err as Error).message})`);
    }
    const seed = this.s.seedRefreshToken;
    const seedSha = seed ? sha256(seed) : null;
    // A refresh token put in the environment after a re-authorisation wins over the stored one.
    if (seed && (!stored || stored.seedSha256 !== seedSha))
      return {
        accessToken: null,
        accessExpiresAt: null,
        accessLifetimeMs: null,
        refreshToken: seed,
        refreshExpiresAt: null,
        seedSha256: seedSha,
        refreshedAt: null,
      };
    if (!stored)
      throw this.fail(
        `no refresh token: authorise the integration and put its refresh token in ${this.s.refreshTokenEnv}`,
      );
    return stored;
  }

  private async grant(): Promise<string> {
    const state = (this.state ??= await this.load());
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: this.s.clientId,
      client_secret: this.s.clientSecret,
      refresh_token: state.refreshToken,
    });
    let res: Response;
    let body: Record<string, unknown>;
    try {
      res = await fetch(this.s.tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        signal: AbortSignal.timeout(TOKEN_POLICY.timeoutMs),
        redirect: 'error',
      });
      body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw this.fail(
        `its token could not be refreshed: ${this.s.tokenUrl} did not answer (${cause}); the next run tries again`,
      );
    }
    const access = typeof body.access_token === 'string' ? body.access_token : null;
    if (!res.ok || !access) {
      const said = [body.error, body.error_description]
        .filter((v) => typeof v === 'string')
        .join(': ');
      throw this.fail(
        `Webex refused to refresh its token (HTTP ${res.status}${said ? `, ${said}` : ''}): re-authorise the integration (client id ${this.s.clientId}) and put its new refresh token in ${this.s.refreshTokenEnv}`,
        res.status,
      );
    }
    const now = Date.now();
    const lifetimeMs = Number(body.expires_in) * 1000;
    const refreshToken =
      typeof body.refresh_token === 'string' ? body.refresh_token : state.refreshToken;
    const refreshIn = Number(body.refresh_token_expires_in);
    this.seen.push(access, refreshToken);
    const next: StoredToken = {
      accessToken: access,
      accessExpiresAt: Number.isFinite(lifetimeMs)
        ? new Date(now + lifetimeMs).toISOString()
        : null,
      accessLifetimeMs: Number.isFinite(lifetimeMs) ? lifetimeMs : null,
      refreshToken,
      refreshExpiresAt: Number.isFinite(refreshIn)
        ? new Date(now + refreshIn * 1000).toISOString()
        : state.refreshExpiresAt,
      seedSha256: state.seedSha256,
      refreshedAt: new Date(now).toISOString(),
    };
    // Stored before the new token is used: a rotated refresh token lost here would lock us out.
    await writeTokenFile(this.s.file, next);
    this.state = next;
    return access;
  }

  private fail(what: string, status: number | null = null): TokenRefreshError {
    const description = redactString(`partner ${this.s.partner}: ${what}`, [
      ...this.s.secrets,
      ...this.seen,
    ]);
    return new TokenRefreshError(description, { status, trackingId: null, description });
  }
}

/** Writes the token file atomically, readable by its owner only (0600, folder 0700). */
export async function writeTokenFile(file: string, token: StoredToken): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(token, null, 2));
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

function sha256(v: string): string {
  return createHash('sha256').update(v).digest('hex');
}

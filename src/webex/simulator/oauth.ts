import { randomBytes } from 'node:crypto';
import type { SimulatorConfig } from '../../config/index.ts';

type OAuthConfig = NonNullable<SimulatorConfig['oauth']>;

/** What the token endpoint answers: Webex's documented fields. */
export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Webex's OAuth side as far as an integration uses it: access tokens that expire, and the
 * `refresh_token` grant of `POST /v1/access_token` (form-encoded client_id, client_secret,
 * refresh_token), rotating the refresh token when configured.
 */
export class SimulatedOAuth {
  private readonly access = new Map<string, number>();
  private readonly refresh = new Map<string, number>();
  /** Refresh grants answered 200. */
  refreshes = 0;

  constructor(
    private readonly config: OAuthConfig,
    private readonly nowMs: () => number,
  ) {
    for (const token of config.refreshTokens)
      this.refresh.set(token, nowMs() + config.refreshTokenSeconds * 1000);
  }

  /** Whether a bearer token is one this Webex issued and is still valid. */
  accepts(token: string): boolean {
    const expires = this.access.get(token);
    return expires !== undefined && expires > this.nowMs();
  }

  /** The refresh tokens valid now (tests compare them with what the client stored). */
  validRefreshTokens(): string[] {
    return [...this.refresh].filter(([, exp]) => exp > this.nowMs()).map(([t]) => t);
  }

  /** Answers a token request: the refresh grant, or the error Webex gives. */
  grant(form: URLSearchParams): TokenAnswer {
    const refuse = (status: number, error: string, description: string): TokenAnswer => ({
      status,
      body: { error, error_description: description },
    });
    if (form.get('grant_type') !== 'refresh_token')
      return refuse(400, 'unsupported_grant_type', 'only grant_type=refresh_token is simulated');
    const id = form.get('client_id') ?? '';
    if (
      this.config.clients[id] === undefined ||
      this.config.clients[id] !== form.get('client_secret')
    )
      return refuse(401, 'invalid_client', 'client_id or client_secret is wrong');
    const old = form.get('refresh_token') ?? '';
    const expires = this.refresh.get(old);
    if (expires === undefined || expires <= this.nowMs())
      return refuse(400, 'invalid_grant', 'the refresh token is invalid or expired');
    const now = this.nowMs();
    const accessToken = `sim-at-${randomBytes(12).toString('hex')}`;
    this.access.set(accessToken, now + this.config.accessTokenSeconds * 1000);
    let refreshToken = old;
    if (this.config.rotateRefreshTokens) {
      this.refresh.delete(old);
      refreshToken = `sim-rt-${randomBytes(12).toString('hex')}`;
    }
    this.refresh.set(refreshToken, now + this.config.refreshTokenSeconds * 1000);
    this.refreshes += 1;
    return {
      status: 200,
      body: {
        access_token: accessToken,
        expires_in: this.config.accessTokenSeconds,
        refresh_token: refreshToken,
        refresh_token_expires_in: this.config.refreshTokenSeconds,
        token_type: 'Bearer',
      },
    };
  }
}

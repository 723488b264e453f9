import { setMaxListeners } from 'node:events';
import path from 'node:path';
import type { Clock } from '../clock/index.ts';
import { partnerConfig, type Config } from '../config/index.ts';
import { HttpWebexClient, type RetryBudget } from './http-client.ts';
import type { BillingPort, WebexPort } from './port.ts';
import { OAuthTokenSource, tokenFile } from './oauth-token.ts';
import { RateLimiter, type RatePacer } from './rate-limiter.ts';
import {
  SharedRateLimiter,
  tokenFingerprint,
  type SharedBudgetPort,
} from './shared-rate-limiter.ts';
import { startSimulator, type RunningSimulator } from './simulator/index.ts';

/**
 * The onboarding template a partner's customers are created with in the embedded simulator when
 * none is configured: the simulator takes any, so a demo or a trial needs none (a real Webex does).
 */
export const SIMULATOR_PROVISIONING_ID = 'rtm-batch-simulator-template';

/** Whether a partner's changes go to a real Webex (a base URL), not the embedded simulator. */
export function usesRealWebex(config: Config, partner: string): boolean {
  const own = partnerConfig(config, partner).webex.baseUrl;
  return Boolean(own === undefined ? config.webex.baseUrl : own);
}

/** Token the embedded simulator is called with; it accepts any bearer token. */
const EMBEDDED_TOKEN = 'embedded-simulator';

export type PortResult =
  { port: WebexPort; error?: undefined } | { port?: undefined; error: string };

/** The Webex each partner talks to for one run, and how to let go of it. */
export interface WebexTargets {
  portFor(partner: string): PortResult;
  /** The same client, for the billing report calls (issue 22); test doubles may leave it out. */
  billingPortFor?(
    partner: string,
  ): { port: BillingPort; error?: undefined } | { port?: undefined; error: string };
  /** Where requests go, for the log (never with a token). */
  describe(): string;
  close(): Promise<void>;
}

/** Embedded simulator state lives here, so consecutive runs see the same Webex. */
export const simulatorStateFile = (home: string) =>
  path.join(home, 'var', 'simulator', 'state.json');

/**
 * A token's rate shared with every process using the same ledger (PostgreSQL): its budget lives
 * there. Without it, each process paces its tokens alone.
 */
export interface SharedRate {
  budgets: SharedBudgetPort;
  /** This process's own upper bound (`provision-worker --rate-share K`: the rate / K). */
  maxOwnRate?: number;
}

/** Builds one client per partner: the real API where a base URL is set, else the embedded simulator. */
export async function openWebexTargets(
  config: Config,
  clock: Clock,
  env: NodeJS.ProcessEnv,
  /** The run's stop signal: requests not sent yet when it aborts are not sent. */
  stop?: AbortSignal,
  shared?: SharedRate,
): Promise<WebexTargets> {
  // Every request waiting for a rate slot listens for the stop: as many as the concurrency.
  if (stop) setMaxListeners(0, stop);
  let simulator: RunningSimulator | null = null;
  const embeddedNeeded =
    !config.webex.baseUrl || Object.values(config.partners).some((p) => p.webex.baseUrl === null);
  if (embeddedNeeded) {
    simulator = await startSimulator({
      config: config.simulator,
      clock,
      stateFile: simulatorStateFile(config.home),
      port: 0,
    });
  }
  const budget: RetryBudget = { remaining: config.webex.retryBudget };
  const limiters = new Map<string, RatePacer>();
  const clients = new Map<string, HttpWebexClient>();
  // One limiter per token: the server limits tokens, and partners may share one.
  // The embedded simulator is this process's own: its token's rate is shared with nobody.
  const limiterFor = (token: string, embedded: boolean) => {
    let limiter = limiters.get(token);
    if (!limiter) {
      const requestsPerSecond = config.webex.requestsPerSecond;
      limiter =
        shared && !embedded
          ? new SharedRateLimiter({
              budgets: shared.budgets,
              tokenKey: tokenFingerprint(token),
              requestsPerSecond,
              ...(shared.maxOwnRate !== undefined ? { maxOwnRate: shared.maxOwnRate } : {}),
            })
          : new RateLimiter({ requestsPerSecond });
      limiters.set(token, limiter);
    }
    return limiter;
  };
  const targets: WebexTargets = {
    billingPortFor(partner) {
      const found = targets.portFor(partner);
      return found.port
        ? { port: clients.get(partner) as HttpWebexClient }
        : { error: found.error };
    },
    portFor(partner) {
      const cached = clients.get(partner);
      if (cached) return { port: cached };
      const settings = partnerConfig(config, partner);
      const baseUrl =
        settings.webex.baseUrl === undefined ? config.webex.baseUrl : settings.webex.baseUrl;
      let token = EMBEDDED_TOKEN;
      let auth: OAuthTokenSource | undefined;
      const oauth = settings.webex.oauth;
      if (baseUrl && oauth) {
        const clientSecret = env[oauth.clientSecretEnv];
        if (!clientSecret)
          return {
            error: `partner ${partner}: no OAuth client secret: set the environment variable ${oauth.clientSecretEnv}`,
          };
        auth = new OAuthTokenSource({
          partner,
          tokenUrl: oauth.tokenUrl ?? `${baseUrl.replace(/\/+$/, '')}/access_token`,
          clientId: oauth.clientId,
          clientSecret,
          seedRefreshToken: env[oauth.refreshTokenEnv] || null,
          refreshTokenEnv: oauth.refreshTokenEnv,
          file: tokenFile(config.home, partner),
          secrets: config.secrets,
        });
        // The limiter is the integration's: its tokens change, its rate does not.
        token = `oauth:${oauth.clientId}`;
      } else if (baseUrl) {
        const name = settings.webex.tokenEnv;
        const value = name ? env[name] : undefined;
        if (!value)
          return {
            error: `partner ${partner}: no Webex token: set the environment variable ${name ?? '(partners.<id>.webex.tokenEnv)'}`,
          };
        token = value;
      }
      const url = baseUrl ?? (simulator as RunningSimulator).url;
      const port = new HttpWebexClient({
        baseUrl: url,
        token: auth ? '' : token,
        ...(auth ? { auth } : {}),
        secrets: config.secrets,
        subPartnerOrgId: settings.webex.subPartnerOrgId ?? null,
        timeoutMs: config.webex.timeoutMs,
        concurrency: config.webex.concurrency,
        limiter: limiterFor(token, !baseUrl),
        budget,
        ...(stop ? { stop } : {}),
      });
      clients.set(partner, port);
      return { port };
    },
    describe: () =>
      simulator
        ? `embedded simulator at ${simulator.url}`
        : (config.webex.baseUrl ?? 'per-partner base URLs'),
    close: async () => {
      await simulator?.close();
    },
  };
  return targets;
}

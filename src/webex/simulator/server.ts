// The HTTP shell of the simulator: auth, rate limit, faults, latency and persistence around
// handleRequest. Rate limit and latency run on real time, not the injected clock: a test's fixed
// clock never moves, and a rate window that never slides would refuse everything after the first second.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../clock/index.ts';
import type { SimulatorConfig } from '../../config/index.ts';
import { BILLING_DOWNLOAD_PATH, billingReportStatus } from './billing-api.ts';
import { renderBillingReportCsv } from './billing-report-csv.ts';
import { planFault, type FaultPlan } from './faults.ts';
import { SimulatedOAuth } from './oauth.ts';
import type { SimAnswer } from './answers.ts';
import { handleRequest, purgeGone } from './router.ts';
import { lifecyclePolicy } from './lifecycle.ts';
import { compileValidators } from './spec.ts';
import { admit, rateShape, retryAfterSeconds } from './rate-limit.ts';
import { emptyState, loadState, writeState, type SimulatorState } from './state.ts';
import type { WebexErrorBody, WebexErrorItem } from './views.ts';

/** How the simulator is started. */
export interface SimulatorOptions {
  config: SimulatorConfig;
  clock: Clock;
  /** JSON file the state is loaded from and saved to, so consecutive runs see the same Webex; null = memory only. */
  stateFile?: string | null;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Subscriber emails answered 202 with status pending_user_migration. */
  pendingMigrationEmails?: string[];
  /** Customers with a calling package end provisioned_with_errors with warning 2560 (Calling maintenance). */
  provisionedWithErrors2560?: boolean;
  /** Send the malformed `Retry-After: rand(30),add(30)` Webex has been seen sending on 429. */
  retryAfterMalformed?: boolean;
  /** Uniform draws in [0, 1) deciding faults; Math.random by default (tests pass a scripted one). */
  random?: () => number;
}

/** What the simulator saw since it started. */
export interface SimulatorStats {
  requests: number;
  /** Answers by HTTP status; cut connections are counted under `connectionsCut` instead. */
  byStatus: Record<string, number>;
  /** Requests by spec operation, e.g. `POST /wholesale/customers` or `GET /wholesale/customers/{customerId}`. */
  byOperation: Record<string, number>;
  /** Customer POSTs accepted (202, or committed then cut) per externalId. */
  createsByExternalId: Record<string, number>;
  /** Subscriber POSTs accepted per `<customerId>/<lower-cased email>`. */
  subscriberCreatesByKey: Record<string, number>;
  rateLimited: number;
  /** 5xx answers and cut connections injected by `faultRate`. */
  faultsInjected: number;
  connectionsCut: number;
}

/** A simulator listening on loopback. */
export interface RunningSimulator {
  /** Base URL of the API, e.g. http://127.0.0.1:PORT/v1. */
  url: string;
  port: number;
  /** Stops listening, drops open connections and writes the state file. */
  close(): Promise<void>;
  stats(): SimulatorStats;
  /** The live state; tests may read it (and seed it before the first request). */
  state: SimulatorState;
  /**
   * The user behind `email` accepts the consent email (out of band in Webex): each of its
   * subscribers in `pending_user_migration` becomes `provisioned`, and the email is no longer one
   * with a free account. Returns how many subscribers moved.
   */
  consentUserMove(email: string): number;
  /** Webex's OAuth side, when `config.oauth` is set. */
  oauth: SimulatedOAuth | null;
}

/** Wait before writing the state file after a change, so a burst of changes costs one write. */
export const PERSIST_DEBOUNCE_MS = 50;
/**
 * A write of the whole state grows with it (20,000 subscribers take tens of milliseconds): the
 * wait after a change is at least this many times the last write, so persisting stays a small
 * share of the simulator's time however large its state is.
 */
const PERSIST_COST_FACTOR = 9;
/** Largest request body accepted. */
export const MAX_BODY_BYTES = 1_000_000;
const MALFORMED_RETRY_AFTER = 'rand(30),add(30)';

function newStats(): SimulatorStats {
  return {
    requests: 0,
    byStatus: {},
    byOperation: {},
    createsByExternalId: {},
    subscriberCreatesByKey: {},
    rateLimited: 0,
    faultsInjected: 0,
    connectionsCut: 0,
  };
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Coalesces state writes; a failed write is retried on the next change and reported by flush(). */
function createPersister(file: string, state: SimulatorState) {
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();
  let failure: Error | null = null;
  let lastWriteMs = 0;
  const flush = (): Promise<void> => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    chain = chain.then(async () => {
      if (!dirty) return;
      dirty = false;
      const started = performance.now();
      try {
        await writeState(file, state);
        failure = null;
        lastWriteMs = performance.now() - started;
      } catch (err) {
        dirty = true;
        failure = err as Error;
      }
    });
    return chain;
  };
  return {
    changed(): void {
      dirty = true;
      timer ??= setTimeout(
        () => void flush(),
        Math.max(PERSIST_DEBOUNCE_MS, PERSIST_COST_FACTOR * lastWriteMs),
      );
    },
    async close(): Promise<void> {
      await flush();
      if (failure !== null)
        throw new Error(`simulator state file ${file} could not be written: ${failure.message}`);
    },
  };
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** An answer the shell gives without asking the simulated Webex. */
interface Refusal {
  status: number;
  description: string;
  headers?: Record<string, string>;
}

function parseBody(req: IncomingMessage, raw: Buffer): { body: unknown } | { refusal: Refusal } {
  if (raw.length === 0) return { body: undefined };
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    const description = `Content-Type '${type}' is not supported; send application/json.`;
    return { refusal: { status: 415, description } };
  }
  try {
    return { body: JSON.parse(raw.toString('utf8')) };
  } catch (err) {
    const description = `request body is not valid JSON: ${(err as Error).message}`;
    return { refusal: { status: 400, description } };
  }
}

function bearerToken(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S.*)$/i.exec(req.headers.authorization ?? '');
  return match?.[1]?.trim() || null;
}

function errorBody(errors: WebexErrorItem[], trackingId: string): WebexErrorBody {
  return { message: errors[0]?.description ?? 'Error', errors, trackingId };
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: unknown,
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  const all: Record<string, string | number> = {
    ...headers,
    'Content-Length': Buffer.byteLength(text),
  };
  if (text !== '') all['Content-Type'] = 'application/json;charset=UTF-8';
  res.writeHead(status, all);
  res.end(text);
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the simulated Webex Wholesale API; resolves once it listens. */
export async function startSimulator(opts: SimulatorOptions): Promise<RunningSimulator> {
  compileValidators();
  const stateFile = opts.stateFile ?? null;
  const state = stateFile === null ? emptyState() : await loadState(stateFile);
  const persister = stateFile === null ? null : createPersister(stateFile, state);
  const policy = lifecyclePolicy(opts.config, opts.provisionedWithErrors2560 ?? false);
  const shape = rateShape(opts.config.rateLimitPerSecond);
  const windows = new Map<string, number[]>();
  const pendingMigrationEmails = new Set(
    (opts.pendingMigrationEmails ?? []).map((e) => e.toLowerCase()),
  );
  const random = opts.random ?? Math.random;
  const billing = {
    pollsInProgress: opts.config.billingReportPolls ?? 1,
    fail: opts.config.billingReportsFail ?? false,
  };
  const stats = newStats();
  let baseUrl = '';
  const oauth = opts.config.oauth ? new SimulatedOAuth(opts.config.oauth, () => Date.now()) : null;

  /** Auth, rate limit and injected 5xx, in Webex's order; the fault plan when the request may pass. */
  const gate = (
    req: IncomingMessage,
    method: string,
  ): { refusal: Refusal } | { fault: FaultPlan } => {
    const token = bearerToken(req);
    if (token === null) {
      const description =
        'The request requires a valid access token set in the Authorization request header.';
      return { refusal: { status: 401, description } };
    }
    if (oauth && !oauth.accepts(token)) {
      const description = 'The access token is expired or was not issued by this Webex.';
      return { refusal: { status: 401, description } };
    }
    const admission = admit(windows.get(token) ?? [], performance.now(), shape);
    if (!admission.admitted) {
      stats.rateLimited += 1;
      const retryAfter = opts.retryAfterMalformed
        ? MALFORMED_RETRY_AFTER
        : String(retryAfterSeconds(admission.retryAfterMs));
      const description = 'Too many requests; retry after the time given in Retry-After.';
      return { refusal: { status: 429, description, headers: { 'Retry-After': retryAfter } } };
    }
    windows.set(token, admission.hits);
    const fault = planFault(method, opts.config.faultRate, random);
    if (fault.kind === 'status') {
      stats.faultsInjected += 1;
      const description = `Injected fault: the service answered ${fault.status}; retry with back-off.`;
      return { refusal: { status: fault.status, description } };
    }
    return { fault };
  };

  /** Runs the request against the simulated Webex, then persists and counts what it changed. */
  const apply = (method: string, url: URL, body: unknown): SimAnswer => {
    const nowMs = opts.clock.nowMs();
    const purged = purgeGone(state, nowMs, policy);
    const path = url.pathname.slice('/v1'.length).replace(/\/+$/, '');
    const result = handleRequest(
      { state, policy, nowMs, baseUrl, pendingMigrationEmails, billing },
      { method, path, query: url.searchParams, body },
    );
    if (purged || result.effects.changed) persister?.changed();
    if (result.operation !== null) {
      bump(
        stats.byOperation,
        result.operation.replace(/^\w+/, (m) => m.toUpperCase()),
      );
    }
    const { customerCreated, subscriberCreated } = result.effects;
    if (customerCreated !== undefined) bump(stats.createsByExternalId, customerCreated);
    if (subscriberCreated !== undefined) bump(stats.subscriberCreatesByKey, subscriberCreated);
    return result;
  };

  const answer = async (
    res: ServerResponse,
    trackingId: string,
    status: number,
    headers: Record<string, string>,
    body: unknown,
  ): Promise<void> => {
    if (opts.config.latencyMs > 0) await sleep(opts.config.latencyMs);
    bump(stats.byStatus, String(status));
    send(res, status, { ...headers, trackingid: trackingId }, body);
  };

  const refuse = (res: ServerResponse, trackingId: string, r: Refusal): Promise<void> =>
    answer(
      res,
      trackingId,
      r.status,
      r.headers ?? {},
      errorBody([{ description: r.description }], trackingId),
    );

  /** Streams a completed report's CSV, a few hundred lines per write, waiting when the client is slow. */
  const serveBillingDownload = async (
    res: ServerResponse,
    trackingId: string,
    url: URL,
  ): Promise<void> => {
    const id = decodeURIComponent(url.pathname.slice(BILLING_DOWNLOAD_PATH.length)).replace(
      /\.csv$/,
      '',
    );
    const report = state.billingReports.get(id);
    const signed =
      report !== undefined && url.searchParams.get('Signature') === report.downloadToken;
    if (!signed || billingReportStatus(report, billing.pollsInProgress) !== 'COMPLETED') {
      const description = `No billing report download at ${url.pathname} (unknown, not completed, deleted, or a wrong signature).`;
      return refuse(res, trackingId, { status: 404, description });
    }
    bump(stats.byOperation, 'GET billing report download');
    bump(stats.byStatus, '200');
    res.writeHead(200, { 'Content-Type': 'text/csv;charset=UTF-8', trackingid: trackingId });
    let chunk = '';
    for (const line of renderBillingReportCsv(state, report, opts.clock.nowMs())) {
      chunk += line;
      if (chunk.length < 64 * 1024) continue;
      const flushed = res.write(chunk);
      chunk = '';
      if (!flushed) await once(res, 'drain');
    }
    res.end(chunk);
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.requests += 1;
    const trackingId = (req.headers.trackingid as string | undefined) || `ROUTER_${randomUUID()}`;
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    const raw = await readBody(req).catch((err: unknown) => {
      if (err instanceof BodyTooLarge) return null;
      throw err;
    });
    if (raw === null) {
      const description = `request body is larger than ${MAX_BODY_BYTES} bytes`;
      return refuse(res, trackingId, { status: 413, description });
    }
    if (oauth && method === 'POST' && url.pathname === '/v1/access_token') {
      const granted = oauth.grant(new URLSearchParams(raw.toString('utf8')));
      return answer(res, trackingId, granted.status, {}, granted.body);
    }
    // A report's download URL is signed like Webex's: no token, no rate limit (another host in Webex).
    if (method === 'GET' && url.pathname.startsWith(BILLING_DOWNLOAD_PATH)) {
      return serveBillingDownload(res, trackingId, url);
    }
    const gated = gate(req, method);
    if ('refusal' in gated) return refuse(res, trackingId, gated.refusal);
    const parsed = parseBody(req, raw);
    if ('refusal' in parsed) return refuse(res, trackingId, parsed.refusal);
    if (!url.pathname.startsWith('/v1/')) {
      const description = `No Webex API at ${url.pathname}; the base path is /v1.`;
      return refuse(res, trackingId, { status: 404, description });
    }

    const result = apply(method, url, parsed.body);
    if (gated.fault.kind === 'cut') {
      // The change is committed; the client never hears so (a reset). It must look before re-sending.
      stats.faultsInjected += 1;
      stats.connectionsCut += 1;
      if (opts.config.latencyMs > 0) await sleep(opts.config.latencyMs);
      req.socket.destroy();
      return;
    }
    const body = result.errors === undefined ? result.body : errorBody(result.errors, trackingId);
    return answer(res, trackingId, result.status, result.headers ?? {}, body);
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      // A bug in the simulator answers like a Webex 500 instead of hanging the client.
      if (res.headersSent) return void req.socket.destroy();
      const trackingId = `ROUTER_${randomUUID()}`;
      bump(stats.byStatus, '500');
      send(
        res,
        500,
        { trackingid: trackingId },
        errorBody([{ description: `simulator error: ${(err as Error).message}` }], trackingId),
      );
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${formatHost(host)}:${port}/v1`;

  let closing: Promise<void> | null = null;
  return {
    url: baseUrl,
    port,
    state,
    stats: () => structuredClone(stats),
    oauth,
    consentUserMove: (email) => {
      pendingMigrationEmails.delete(email.toLowerCase());
      let moved = 0;
      for (const s of state.subscribers.withEmail(email)) {
        if (s.status !== 'pending_user_migration') continue;
        s.status = 'provisioned';
        s.lastStatusChangeMs = opts.clock.nowMs();
        moved += 1;
      }
      if (moved > 0) persister?.changed();
      return moved;
    },
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await persister?.close();
      })();
      return closing;
    },
  };
}

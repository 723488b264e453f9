import { randomUUID } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';
import { redact, redactString } from '../log/index.ts';
import {
  AuthError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  NotSentError,
  TransientError,
  type FailureInfo,
  type WebexCallError,
} from './errors.ts';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type {
  Accepted,
  BillingPort,
  BillingReport,
  BillingReportRequest,
  CustomerQuery,
  PrecheckResult,
  SubscriberQuery,
  WebexPort,
} from './port.ts';
import type { RatePacer } from './rate-limiter.ts';
import type {
  CustomerBody,
  CustomerUpdateBody,
  SubscriberBody,
  WebexCustomer,
  WebexSubscriber,
} from './types.ts';

/** Shared by every client of a run: how many retries the run may still spend. */
export interface RetryBudget {
  remaining: number;
}

/** Where an OAuth client's access token comes from: fresh before expiry, renewed after a 401. */
export interface TokenSource {
  /** A token valid for a while yet (refreshed first when it is about to expire). */
  token(): Promise<string>;
  /** A new token after Webex refused `rejected` (401); throws AuthError when that fails. */
  refresh(rejected: string): Promise<string>;
  /** Every token it has handled, to be masked like the static one. */
  known(): readonly string[];
}

export interface HttpClientOptions {
  baseUrl: string;
  /** A static token; ignored when `auth` is given. */
  token: string;
  auth?: TokenSource;
  /**
   * Values masked in Webex's error text besides `token` (config.secrets): a server that quotes a
   * request's credentials back must not carry them into messages, reports or the ledger.
   */
  secrets?: readonly string[];
  subPartnerOrgId?: string | null;
  timeoutMs: number;
  concurrency: number;
  limiter: RatePacer;
  budget: RetryBudget;
  /** Attempts for one call before it fails (429s and transient errors together). */
  maxAttempts?: number;
  /** First backoff step; doubled per attempt, full jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Prefix of the TrackingID we send, so support can find our requests. */
  trackingPrefix?: string;
  random?: () => number;
  /**
   * The run is stopping (SIGTERM): a request not sent yet (waiting for its rate slot or a retry)
   * is not sent; it fails as transient, so its change stays pending for the next run.
   */
  stop?: AbortSignal;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  trackingId: string | null;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The Wholesale API over HTTP: paced per token, concurrency-capped, errors typed by what to do next. */
/** How many of a period's reports of one type are listed: more than a partner ever asks for. */
const BILLING_LIST_MAX = 100;

export class HttpWebexClient implements WebexPort, BillingPort {
  private readonly base: URL;
  private readonly limit: LimitFunction;
  private readonly opts: Required<Omit<HttpClientOptions, 'subPartnerOrgId' | 'stop' | 'auth'>> & {
    subPartnerOrgId: string | null;
    auth: TokenSource | null;
  };
  private readonly stop: AbortSignal | null;
  /** Requests sent and 429/423 answers, for progress. */
  readonly stats = { requests: 0, rateLimited: 0 };
  /** This client's token and the configured secrets, masked in every error it throws. */
  private readonly secrets: readonly string[];

  constructor(opts: HttpClientOptions) {
    this.base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    this.limit = pLimit(opts.concurrency);
    this.opts = {
      maxAttempts: 6,
      backoffBaseMs: 250,
      backoffMaxMs: 30_000,
      trackingPrefix: 'RTMBATCH',
      random: Math.random,
      ...opts,
      subPartnerOrgId: opts.subPartnerOrgId ?? null,
      secrets: opts.secrets ?? [],
      auth: opts.auth ?? null,
    };
    this.secrets = [opts.token, ...this.opts.secrets];
    this.stop = opts.stop ?? null;
  }

  /** What is masked in errors: the static token, configured secrets, every OAuth token seen. */
  private get masks(): readonly string[] {
    return this.opts.auth ? [...this.secrets, ...this.opts.auth.known()] : this.secrets;
  }

  async listCustomers(query: CustomerQuery = {}): Promise<WebexCustomer[]> {
    return this.listAll<WebexCustomer>('wholesale/customers', { ...query, max: '100' });
  }

  async getCustomer(id: string): Promise<WebexCustomer | null> {
    return this.getOrNull<WebexCustomer>(`wholesale/customers/${encodeURIComponent(id)}`);
  }

  async createCustomer(body: CustomerBody): Promise<Accepted> {
    const answer = await this.call('POST', 'wholesale/customers', { body });
    return { id: idFromLocation(answer), trackingId: answer.trackingId };
  }

  async updateCustomer(id: string, body: CustomerUpdateBody): Promise<Accepted> {
    const answer = await this.call('PUT', `wholesale/customers/${encodeURIComponent(id)}`, {
      body,
    });
    return { id, trackingId: answer.trackingId };
  }

  async deleteCustomer(id: string): Promise<Accepted> {
    const answer = await this.call('DELETE', `wholesale/customers/${encodeURIComponent(id)}`, {});
    return { id, trackingId: answer.trackingId };
  }

  async listSubscribers(query: SubscriberQuery = {}): Promise<WebexSubscriber[]> {
    return this.listAll<WebexSubscriber>('wholesale/subscribers', { ...query, max: '100' });
  }

  async getSubscriber(id: string): Promise<WebexSubscriber | null> {
    return this.getOrNull<WebexSubscriber>(`wholesale/subscribers/${encodeURIComponent(id)}`);
  }

  async createSubscriber(
    body: SubscriberBody,
  ): Promise<WebexSubscriber & { trackingId: string | null }> {
    const answer = await this.call('POST', 'wholesale/subscribers', { body });
    return { ...(answer.body as WebexSubscriber), trackingId: answer.trackingId };
  }

  async updateSubscriber(id: string, body: Pick<SubscriberBody, 'packages'>): Promise<Accepted> {
    const answer = await this.call('PUT', `wholesale/subscribers/${encodeURIComponent(id)}`, {
      body,
    });
    return { id, trackingId: answer.trackingId };
  }

  async deleteSubscriber(id: string): Promise<Accepted> {
    const answer = await this.call('DELETE', `wholesale/subscribers/${encodeURIComponent(id)}`, {});
    return { id, trackingId: answer.trackingId };
  }

  async precheckCustomer(
    body: Partial<CustomerBody> & Pick<CustomerBody, 'address'>,
  ): Promise<PrecheckResult> {
    return this.precheck('wholesale/customers/validate', body);
  }

  async precheckSubscriber(
    body: Partial<SubscriberBody> & Pick<SubscriberBody, 'email'>,
  ): Promise<PrecheckResult> {
    return this.precheck('wholesale/subscribers/validate', body);
  }

  async createBillingReport(request: BillingReportRequest): Promise<{ id: string }> {
    const sub = this.opts.subPartnerOrgId;
    const body = { ...request, ...(sub ? { subPartnerOrgId: sub } : {}) };
    // The body names the sub-partner; onBehalfOfSubPartnerOrgId is not a parameter of these paths.
    const answer = await this.call('POST', new URL('wholesale/billing/reports', this.base), {
      body,
    });
    const id = (answer.body as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '') {
      const description = 'billing report accepted without an id';
      throw new OutcomeUnknownError(description, {
        status: answer.status,
        trackingId: answer.trackingId,
        description,
      });
    }
    return { id };
  }

  async getBillingReport(id: string): Promise<BillingReport | null> {
    try {
      const url = new URL(`wholesale/billing/reports/${encodeURIComponent(id)}`, this.base);
      return (await this.call('GET', url, {})).body as BillingReport;
    } catch (err) {
      if (err instanceof PermanentError && err.info.status === 404) return null;
      throw err;
    }
  }

  async listBillingReports(request: BillingReportRequest): Promise<BillingReport[]> {
    // The sub-partner is a query parameter of this list (not onBehalfOfSubPartnerOrgId).
    const url = new URL('wholesale/billing/reports', this.base);
    const sub = this.opts.subPartnerOrgId;
    const query = {
      ...request,
      max: String(BILLING_LIST_MAX),
      ...(sub ? { subPartnerOrgId: sub } : {}),
    };
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const answer = await this.call('GET', url, {});
    return (answer.body as { items?: BillingReport[] } | null)?.items ?? [];
  }

  async deleteBillingReport(id: string): Promise<void> {
    try {
      const url = new URL(`wholesale/billing/reports/${encodeURIComponent(id)}`, this.base);
      await this.call('DELETE', url, {});
    } catch (err) {
      if (err instanceof PermanentError && err.info.status === 404) return;
      throw err;
    }
  }

  /**
   * GETs a report's CSV as a stream: paced and retried like every call until the answer's headers
   * come; the body is then the caller's to read (the timeout covers the wait for headers only, a
   * million-line report takes longer). No Authorization header: the URL is signed and on another host.
   */
  async downloadBillingReport(url: string): Promise<NodeJS.ReadableStream> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.limit(() => this.openDownload(new URL(url)));
      } catch (err) {
        if (this.stop?.aborted) throw err;
        const retry = this.retryDelay(err, attempt, true);
        if (retry === null) throw err;
        await untilStopped(retry, this.stop);
      }
    }
  }

  private async openDownload(url: URL): Promise<NodeJS.ReadableStream> {
    await this.takeSlot();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.opts.timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    } catch (err) {
      const description = `billing report download: ${describeNetworkError(err)}`;
      throw new TransientError(description, { status: null, trackingId: null, description });
    } finally {
      clearTimeout(timer);
    }
    this.stats.requests += 1;
    const trackingId = res.headers.get('trackingid');
    if (!res.ok || res.body === null) {
      await res.body?.cancel();
      // The URL's query is its signature: it never goes into a message.
      const description = `billing report download from ${url.origin}${url.pathname} answered HTTP ${res.status}`;
      const info: FailureInfo = { status: res.status, trackingId, description };
      if (res.status === 429) {
        this.opts.limiter.throttled(1000);
        throw new RateLimitedError(info, null);
      }
      throw res.status >= 500
        ? new TransientError(description, info)
        : new PermanentError(description, info);
    }
    this.opts.limiter.admittedOne();
    return Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  }

  /** A precheck changes nothing, so it is resent freely; a refusal (4xx) is its answer, not a failure. */
  private async precheck(path: string, body: unknown): Promise<PrecheckResult> {
    try {
      const answer = await this.call('POST', path, { body, resendable: true });
      const infos = toList<PrecheckResult['infos'][number]>(
        (answer.body as { info?: unknown } | null)?.info,
      );
      return {
        passed: infos.some((i) => i.infoCode === PRECHECK_PASSED) || infos.length === 0,
        infos,
        errors: [],
        trackingId: answer.trackingId,
      };
    } catch (err) {
      if (!(err instanceof PermanentError) || err.info.status === 404) throw err;
      return {
        passed: false,
        infos: [],
        errors: err.info.errors ?? [
          { errorCode: err.info.errorCode, description: err.info.description },
        ],
        trackingId: err.info.trackingId,
      };
    }
  }

  private async getOrNull<T>(path: string): Promise<T | null> {
    try {
      return (await this.call('GET', path, {})).body as T;
    } catch (err) {
      if (err instanceof PermanentError && err.info.status === 404) return null;
      throw err;
    }
  }

  /**
   * Follows `Link: <…>; rel="next"` to the last page. While the next link is the same list at the
   * offset after the items so far, and pages come back full, the following pages are asked for a
   * few at a time by offset (a parameter of both lists): a long list is not paced by one round trip
   * per page. A page that breaks the pattern sends it back to following links one by one.
   */
  private async listAll<T>(path: string, query: Record<string, string | undefined>): Promise<T[]> {
    const items: T[] = [];
    const itemsOf = (answer: Answer) => (answer.body as { items?: T[] }).items ?? [];
    let url: URL | null = this.url(path, query);
    while (url) {
      // The page size the link itself asks for (a server may give fewer than we asked).
      const pageSize = Number(url.searchParams.get('max') ?? query.max);
      const ahead = offsetPages(url, items.length, pageSize, LIST_PAGES_AHEAD);
      const answers = await Promise.all(ahead.map((u) => this.call('GET', u, {})));
      url = null;
      for (const answer of answers) {
        const page = itemsOf(answer);
        items.push(...page);
        url = nextLink(answer.headers.get('link'), this.base);
        // Short, last, or not where the next guess starts: the guesses after it are dropped.
        if (!url || page.length !== pageSize || offsetOf(url) !== items.length) break;
      }
    }
    return items;
  }

  private url(path: string, query: Record<string, string | undefined> = {}): URL {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(query))
      if (v !== undefined && v !== '') url.searchParams.set(k, v);
    if (this.opts.subPartnerOrgId)
      url.searchParams.set('onBehalfOfSubPartnerOrgId', this.opts.subPartnerOrgId);
    return url;
  }

  /** One logical call: paced, retried while that is safe, then typed. */
  private async call(
    method: Method,
    target: string | URL,
    { body, resendable: safe }: { body?: unknown; resendable?: boolean },
  ): Promise<Answer> {
    const url = typeof target === 'string' ? this.url(target) : target;
    // A create is not idempotent: after an unknown outcome only a lookup may decide (domain §3).
    const resendable = safe ?? method !== 'POST';
    const auth = this.opts.auth;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      // The token is taken when the request's turn and rate slot have come, never before it
      // queues: a request that waited behind others (or for Retry-After) past an OAuth token's
      // expiry would go out with the expired one, and a second 401 stops the partner.
      const used = { token: this.opts.token };
      const tokenNow = auth ? async () => (used.token = await auth.token()) : null;
      try {
        return await this.limit(() =>
          this.send(method, url, body, resendable, tokenNow ?? used.token),
        );
      } catch (err) {
        // Stopping: no retry (a 429 or transient failure changed nothing in Webex).
        if (this.stop?.aborted) throw err;
        // An OAuth token refused (expired early, revoked): refresh once and send again; a 401 is
        // answered before anything is done, so even a create is safe to resend.
        if (auth && !refreshed && err instanceof AuthError && err.info.status === 401) {
          refreshed = true;
          await auth.refresh(used.token);
          continue;
        }
        const retry = this.retryDelay(err, attempt, resendable);
        if (retry === null) throw err;
        await untilStopped(retry, this.stop);
      }
    }
  }

  private retryDelay(err: unknown, attempt: number, resendable: boolean): number | null {
    if (attempt >= this.opts.maxAttempts || this.opts.budget.remaining <= 0) return null;
    if (err instanceof RateLimitedError) {
      this.opts.budget.remaining -= 1;
      // The limiter already holds every request of this token for Retry-After; without a usable
      // Retry-After this request also backs off on its own.
      return err.retryAfterMs === null ? this.backoff(attempt) : 0;
    }
    if (err instanceof TransientError && resendable) {
      this.opts.budget.remaining -= 1;
      return this.backoff(attempt);
    }
    return null;
  }

  /** Exponential backoff with full jitter. */
  private backoff(attempt: number): number {
    const cap = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** (attempt - 1));
    return Math.round(this.opts.random() * cap);
  }

  /** Waits for a rate slot; a 429's Retry-After holds every queued request, stopping does not wait. */
  private async takeSlot(): Promise<void> {
    const stop = this.stop;
    if (!stop) return this.opts.limiter.take();
    if (stop.aborted) return;
    let onStop = () => undefined as void;
    const stopped = new Promise<void>((resolve) => {
      onStop = resolve;
      stop.addEventListener('abort', onStop, { once: true });
    });
    try {
      await Promise.race([this.opts.limiter.take(), stopped]);
    } finally {
      stop.removeEventListener('abort', onStop);
    }
  }

  private async send(
    method: Method,
    url: URL,
    body: unknown,
    resendable: boolean,
    tokenOrSource: string | (() => Promise<string>),
  ): Promise<Answer> {
    await this.takeSlot();
    const token = typeof tokenOrSource === 'string' ? tokenOrSource : await tokenOrSource();
    const trackingSent = `${this.opts.trackingPrefix}_${randomUUID()}`;
    if (this.stop?.aborted) {
      const description = 'not sent: the run is stopping';
      throw new NotSentError(description, { status: null, trackingId: null, description });
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          trackingid: trackingSent,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const info: FailureInfo = {
        status: null,
        trackingId: trackingSent,
        description: redactString(describeNetworkError(err), this.masks),
      };
      throw resendable
        ? new TransientError(info.description, info)
        : new OutcomeUnknownError(info.description, info);
    }
    let parsed: unknown = null;
    let text = '';
    try {
      text = await res.text();
      parsed = text ? (JSON.parse(text) as unknown) : null;
    } catch (err) {
      if (res.ok || !text) {
        const info: FailureInfo = {
          status: res.status,
          trackingId: trackingSent,
          description: redactString(
            `answer cut off or not JSON: ${describeNetworkError(err)}`,
            this.masks,
          ),
        };
        throw resendable
          ? new TransientError(info.description, info)
          : new OutcomeUnknownError(info.description, info);
      }
    }
    const trackingId = redactString(
      res.headers.get('trackingid') ??
        (parsed as { trackingId?: string } | null)?.trackingId ??
        trackingSent,
      this.masks,
    );
    this.stats.requests += 1;
    if (res.status === 429 || res.status === 423) this.stats.rateLimited += 1;
    else this.opts.limiter.admittedOne();
    if (res.ok) return { status: res.status, headers: res.headers, body: parsed, trackingId };
    // Webex's error text goes on into messages, notes, reports and the ledger: an upstream that
    // quotes the request's Authorization header back must not carry the token along (issue #16).
    const said = {
      body: redact(parsed, this.masks),
      statusText: redactString(res.statusText, this.masks),
    };
    throw classify(res, said, trackingId, resendable, this.opts.limiter);
  }
}

/** The error of a refused call, from what the server said (its body and status text, masked). */
function classify(
  res: Response,
  said: { body: unknown; statusText: string },
  trackingId: string,
  resendable: boolean,
  limiter: RatePacer,
): WebexCallError {
  const err = said.body as {
    message?: string;
    errors?: { description?: string; errorCode?: number }[];
  } | null;
  const first = err?.errors?.[0];
  const info: FailureInfo = {
    status: res.status,
    trackingId,
    errorCode: first?.errorCode,
    description: first?.description ?? err?.message ?? said.statusText,
    ...(err?.errors?.length ? { errors: err.errors } : {}),
  };
  if (res.status === 429 || res.status === 423) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now());
    limiter.throttled(retryAfterMs ?? 1000);
    return new RateLimitedError(info, retryAfterMs);
  }
  if (res.status === 401 || res.status === 403)
    return new AuthError(`Webex refused the token (HTTP ${res.status}): ${info.description}`, info);
  if (res.status >= 500) {
    const message = `Webex answered HTTP ${res.status}: ${info.description}`;
    return resendable ? new TransientError(message, info) : new OutcomeUnknownError(message, info);
  }
  return new PermanentError(
    `Webex refused the request (HTTP ${res.status}): ${info.description}`,
    info,
  );
}

/** Precheck `infoCode` for "passed" (domain §3). */
export const PRECHECK_PASSED = 100;

/** Resolves after `ms`, or as soon as `stop` is aborted. */
function untilStopped(ms: number, stop: AbortSignal | null): Promise<void> {
  if (stop?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop?.addEventListener('abort', done, { once: true });
  });
}

/** Webex answers a precheck's `info` as an object or as an array: accept both. */
function toList<T>(value: unknown): T[] {
  if (Array.isArray(value)) return value as T[];
  return value && typeof value === 'object' ? [value as T] : [];
}

/** Retry-After as seconds or an HTTP date; null for anything else (Webex has sent `rand(30),add(30)`). */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d{1,6}$/.test(v)) return Number(v) * 1000;
  if (/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v)) {
    const at = Date.parse(v);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  return null;
}

/** How many pages of a list are asked for together, once its next links are plain offsets. */
const LIST_PAGES_AHEAD = 4;

/**
 * The page `url` points at, and when it is a plain `offset` into the list at `done` items with
 * full pages of `pageSize`, the `count - 1` pages after it too.
 */
function offsetPages(url: URL, done: number, pageSize: number, count: number): URL[] {
  if (done === 0 || offsetOf(url) !== done || !(pageSize > 0)) return [url];
  return Array.from({ length: count }, (_, k) => {
    const next = new URL(url);
    next.searchParams.set('offset', String(done + k * pageSize));
    return next;
  });
}

function offsetOf(url: URL): number | null {
  const offset = url.searchParams.get('offset');
  return offset !== null && /^\d+$/.test(offset) ? Number(offset) : null;
}

/** The next page of a `Link` header, only on the API's own origin (the token never goes elsewhere). */
export function nextLink(header: string | null, base: URL): URL | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (!m) continue;
    const url = new URL(m[1] as string, base);
    return url.origin === base.origin ? url : null;
  }
  return null;
}

function idFromLocation(answer: Answer): string {
  const location =
    answer.headers.get('location') ?? (answer.body as { url?: string } | null)?.url ?? '';
  const id = decodeURIComponent(location.replace(/\/+$/, '').split('/').pop() ?? '');
  if (!id) {
    const info: FailureInfo = {
      status: answer.status,
      trackingId: answer.trackingId,
      description: 'accepted without a Location header',
    };
    throw new OutcomeUnknownError(info.description, info);
  }
  return id;
}

/** What a network failure's code means, for the people who read the message. */
const NETWORK_WORDS: Record<string, string> = {
  UND_ERR_SOCKET: 'the connection closed before the answer came',
  ECONNRESET: 'the connection was reset before the answer came',
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the host name was not found',
  EAI_AGAIN: 'the host name could not be looked up',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host could not be reached',
};

function describeNetworkError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'no answer before the timeout';
  const code = e.cause?.code;
  const words = code ? NETWORK_WORDS[code] : undefined;
  if (code && words) return `${words} (${code})`;
  return code ?? e.cause?.message ?? e.message ?? String(err);
}

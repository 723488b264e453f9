import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Config } from '../config/index.ts';
import { redactString, type Logger } from '../log/index.ts';
import { renderReportSummaryHtml, type Summary } from '../reports/index.ts';
import { planNotification, shouldNotify, type Notification } from './plan-notification.ts';

export type Channel = 'webhook' | 'email';

/** How one channel went: sent after `attempts`, or given up with the last error. */
export interface ChannelOutcome {
  channel: Channel;
  /** Where to, without secrets: the webhook's host, the SMTP host. */
  target: string;
  ok: boolean;
  attempts: number;
  error: string | null;
}

/** An answer that another attempt cannot change (a 4xx other than 408/429): give up now. */
class PermanentError extends Error {}

/**
 * Tells the configured channels that a run ended (when `notify.on` names its status), each with
 * retries and a doubling backoff. Never throws: a channel that fails is logged and returned.
 */
export async function sendNotifications(
  summary: Summary,
  config: Config,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChannelOutcome[]> {
  const { notify } = config;
  if ((!notify.webhook && !notify.email) || !shouldNotify(summary, notify.on)) return [];
  const message = planNotification(summary);
  const sends: Promise<ChannelOutcome>[] = [];
  if (notify.webhook) {
    const hook = notify.webhook;
    const url = hook.url ?? (hook.urlEnv ? env[hook.urlEnv] : undefined);
    const key = hook.secretEnv ? env[hook.secretEnv] : undefined;
    sends.push(
      withRetries(config, 'webhook', url ? safeHost(url) : '(no URL)', () => {
        if (!url) throw new PermanentError(`environment variable ${hook.urlEnv} is not set`);
        if (hook.secretEnv && !key)
          throw new PermanentError(`environment variable ${hook.secretEnv} is not set`);
        return postWebhook(url, message, key, notify.timeoutMs);
      }),
    );
  }
  if (notify.email) {
    const mail = notify.email;
    sends.push(
      withRetries(config, 'email', `${mail.host}:${mail.port}`, () =>
        sendEmail(config, message, summary, env),
      ),
    );
  }
  const outcomes = await Promise.all(sends);
  for (const o of outcomes) {
    if (o.ok) log.info(`notified by ${o.channel} (${o.target}) after ${o.attempts} attempt(s)`);
    else
      log.warn(
        `notification by ${o.channel} (${o.target}) failed after ${o.attempts} attempt(s): ${o.error}`,
      );
  }
  return outcomes;
}

/** The note a failed channel leaves in the run's report. */
export function describeFailedNotification(o: ChannelOutcome): string {
  return `the ${o.channel} notification (${o.target}) failed after ${o.attempts} attempt(s): ${o.error}; the run's outcome is unchanged, check the notify settings`;
}

async function withRetries(
  config: Config,
  channel: Channel,
  target: string,
  send: () => Promise<void>,
): Promise<ChannelOutcome> {
  const { attempts, backoffMs } = config.notify;
  let error = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await send();
      return { channel, target, ok: true, attempts: attempt, error: null };
    } catch (err) {
      // Whatever a server or library says goes into logs and reports: secrets are masked.
      error = redactString((err as Error).message || String(err), config.secrets);
      if (err instanceof PermanentError || attempt === attempts)
        return { channel, target, ok: false, attempts: attempt, error };
      await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
    }
  }
  return { channel, target, ok: false, attempts, error };
}

async function postWebhook(
  url: string,
  message: Notification,
  key: string | undefined,
  timeoutMs: number,
): Promise<void> {
  const body = JSON.stringify(message.body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'rtm-batch',
  };
  if (key) headers['x-rtm-signature'] = `sha256=${signBody(key, body)}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    // fetch's message would not say why; its cause does (ECONNREFUSED, a timeout).
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(cause?.code ?? cause?.message ?? (err as Error).message, { cause: err });
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return;
  const why = `HTTP ${res.status}`;
  if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
    throw new PermanentError(why);
  throw new Error(why);
}

/** HMAC-SHA256 of the exact body bytes, hex: what a receiver recomputes with the shared key. */
export function signBody(key: string, body: string): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

async function sendEmail(
  config: Config,
  message: Notification,
  summary: Summary,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const mail = config.notify.email;
  if (!mail) return;
  const user = mail.userEnv ? env[mail.userEnv] : undefined;
  const pass = mail.passwordEnv ? env[mail.passwordEnv] : undefined;
  if (mail.userEnv && !user)
    throw new PermanentError(`environment variable ${mail.userEnv} is not set`);
  if (mail.passwordEnv && !pass)
    throw new PermanentError(`environment variable ${mail.passwordEnv} is not set`);
  const transport = nodemailer.createTransport({
    host: mail.host,
    port: mail.port,
    secure: mail.secure,
    ...(user ? { auth: { user, pass: pass ?? '' } } : {}),
    connectionTimeout: config.notify.timeoutMs,
    greetingTimeout: config.notify.timeoutMs,
    socketTimeout: config.notify.timeoutMs,
  });
  try {
    await transport.sendMail({
      from: mail.from,
      to: mail.to,
      subject: message.subject,
      text: message.text,
      html: renderReportSummaryHtml(summary, config.reportLocale, config.schedule.timezone),
    });
  } finally {
    transport.close();
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(not a URL)';
  }
}

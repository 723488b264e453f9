import { HttpWebexClient, RateLimiter } from '../../src/webex/index.ts';
import type { RunningSimulator } from '../../src/webex/simulator/index.ts';

/**
 * An HTTP client of the simulator (or of a fault proxy in front of it), as a run builds one (paced,
 * retried), with an optional sub-partner.
 */
export function clientOf(
  sim: RunningSimulator | { url: string },
  subPartnerOrgId: string | null = null,
): HttpWebexClient {
  return new HttpWebexClient({
    baseUrl: sim.url,
    token: 'partner-token',
    subPartnerOrgId,
    timeoutMs: 5000,
    concurrency: 4,
    limiter: new RateLimiter({ requestsPerSecond: 1000 }),
    budget: { remaining: 100 },
    backoffBaseMs: 5,
  });
}

/** A stream's text. */
export async function textOf(stream: AsyncIterable<unknown>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** An async iterable of a CSV text in small pieces, as a download arrives. */
export function piecesOf(text: string, size = 7): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  return (async function* () {
    for (let i = 0; i < bytes.length; i += size) {
      await Promise.resolve();
      yield bytes.subarray(i, i + size);
    }
  })();
}

import { HttpWebexClient, RateLimiter, type CustomerBody } from '../src/webex/index.ts';
import type { Benchmark, Measurement } from './harness.ts';
import { startSimulatorProcess } from './simulator-process.ts';

const SERVER_LIMIT = 50;

interface Scenario {
  clientRate: number;
  requests: number;
  latencyMs: number;
  /** Throughput is measured from this many seconds after the start (the adaptation's learning time is left out). */
  warmupSeconds: number;
}

/** Customer creates through the real client against the simulator's strict per-token limit. */
async function measure(s: Scenario) {
  // The simulator runs in a process of its own, as Webex would be: one event loop does not pace the other.
  const sim = await startSimulatorProcess({
    rateLimitPerSecond: SERVER_LIMIT,
    latencyMs: s.latencyMs,
  });
  const limiter = new RateLimiter({ requestsPerSecond: s.clientRate });
  const port = new HttpWebexClient({
    baseUrl: sim.url,
    token: 'bench-token',
    timeoutMs: 30_000,
    concurrency: 16,
    limiter,
    budget: { remaining: 1_000_000 },
    maxAttempts: 50,
  });
  // Warm both sides (JIT, connections) and let the server's window empty: the steady state is measured.
  for (let i = 0; i < 10; i++) await port.createCustomer(body(-1 - i));
  await new Promise((r) => setTimeout(r, 1100));
  const warmup429 = limiter.throttleCount;
  const done: number[] = [];
  const start = performance.now();
  try {
    await Promise.all(
      Array.from({ length: s.requests }, async (_, i) => {
        await port.createCustomer(body(i));
        done.push(performance.now());
      }),
    );
  } finally {
    await sim.close();
  }
  const end = performance.now();
  const from = start + s.warmupSeconds * 1000;
  const measured = done.filter((t) => t > from).length;
  return {
    achieved: measured / ((end - from) / 1000),
    // every 429 reached the limiter, and every refused request was sent again
    answered429: limiter.throttleCount - warmup429,
    requests: s.requests + limiter.throttleCount - warmup429,
    seconds: (end - start) / 1000,
    finalRate: limiter.currentRate,
  };
}

function body(i: number): CustomerBody {
  return {
    provisioningId: 'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2',
    packages: ['webex_meetings'],
    externalId: `bench-${i}`,
    address: {
      addressLine1: `${i} Main St`,
      city: 'Austin',
      stateOrProvince: 'TX',
      zipOrPostalCode: '78701',
      country: 'US',
    },
    customerInfo: { name: `Bench ${i}`, primaryEmail: `admin@b${i}.example` },
  };
}

/** The achieved rate against the server's limit, with the 429 share beside it. */
function toMeasurement(
  r: Awaited<ReturnType<typeof measure>>,
  extra: Record<string, string> = {},
): Measurement {
  return {
    value: r.achieved,
    baseline: 'server limit',
    baselineValue: SERVER_LIMIT,
    details: {
      requests: r.requests,
      answered429: r.answered429,
      share429: (r.answered429 / r.requests).toFixed(4),
      seconds: r.seconds.toFixed(1),
      ...extra,
    },
  };
}

/** `provision`: client configured at the server's limit of 50/s, 50 ms latency. */
export const provisionBench: Benchmark = {
  name: 'provision',
  description: `customer creates at a declared limit of ${SERVER_LIMIT}/s with 50 ms latency: achieved rate vs the limit`,
  unit: 'requests/s',
  async run() {
    const r = await measure({
      clientRate: SERVER_LIMIT,
      requests: 1000,
      latencyMs: 50,
      warmupSeconds: 0,
    });
    return toMeasurement(r);
  },
};

/** `provision-adaptive`: client configured for 200/s against an undeclared server limit of 50/s. */
export const provisionAdaptiveBench: Benchmark = {
  name: 'provision-adaptive',
  description: `client set to 200/s against an undeclared limit of ${SERVER_LIMIT}/s: achieved rate after the first 10 s vs the limit`,
  unit: 'requests/s',
  async run() {
    const r = await measure({ clientRate: 200, requests: 2000, latencyMs: 50, warmupSeconds: 10 });
    return toMeasurement(r, { finalRate: r.finalRate.toFixed(1) });
  },
};

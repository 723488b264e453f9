import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nightlyJob } from '../jobs/index.ts';
import { closeApp, openApp } from '../src/cli/app.ts';
import { loadConfig } from '../src/config/index.ts';
import type { Benchmark } from './harness.ts';
import { startSimulatorProcess } from './simulator-process.ts';

// RTM_BENCH_E2E_CUSTOMERS shrinks the run for a quick check of the bench itself.
const CUSTOMERS = Number(process.env.RTM_BENCH_E2E_CUSTOMERS ?? 2_000);
const PER_CUSTOMER = 10;
const SERVER_LIMIT = 100;

/**
 * The whole pipeline: generated CSV sheets (2,000 customers, 20,000 subscribers) imported, staged
 * and provisioned through the real client against `rtm-batch simulator` in its own process at 100
 * requests/s. The rate is every request the client sent (counted at fetch) over the time from the
 * first to the last; the whole run's time and peak RSS beside it.
 */
export const provisionE2eBench: Benchmark = {
  name: 'provision-e2e',
  description: `import and provision ${CUSTOMERS} customers and ${CUSTOMERS * PER_CUSTOMER} subscribers at a limit of ${SERVER_LIMIT}/s: requests/s achieved vs the limit`,
  unit: 'requests/s',
  async run() {
    const sim = await startSimulatorProcess({
      rateLimitPerSecond: SERVER_LIMIT,
      latencyMs: 20,
      provisioningSeconds: 0.5,
    });
    const home = mkdtempSync(path.join(os.tmpdir(), 'rtm-bench-e2e-'));
    try {
      writeSheets(home);
      writeFileSync(
        path.join(home, 'rtm-batch.config.json'),
        JSON.stringify({
          inbox: { stableSeconds: 0 },
          webex: {
            baseUrl: sim.url,
            requestsPerSecond: SERVER_LIMIT,
            concurrency: 16,
            pollSeconds: 0.5,
            waitForProvisionedSeconds: 120,
            retryBudget: 100_000,
          },
          partners: { acme: { webex: { tokenEnv: 'BENCH_TOKEN' } } },
          logging: { level: 'warn' },
        }),
      );
      const loaded = loadConfig({ home, env: {}, cwd: home });
      if (!loaded.config) throw new Error(loaded.errors.join('\n'));
      const app = await openApp(loaded.config, { quiet: true });

      // Every request the client makes goes through fetch: count them and when they were made.
      const realFetch = globalThis.fetch;
      let requests = 0;
      let first = 0;
      let last = 0;
      globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
        requests += 1;
        if (first === 0) first = performance.now();
        try {
          return await realFetch(...args);
        } finally {
          last = performance.now();
        }
      };
      const start = performance.now();
      let summary;
      try {
        summary = await nightlyJob(
          app,
          { dryRun: false, partner: null, signal: new AbortController().signal },
          { BENCH_TOKEN: 'bench-token-1234' },
        );
      } finally {
        globalThis.fetch = realFetch;
        await closeApp(app);
      }
      const end = performance.now();
      const sendingSeconds = (last - first) / 1000;
      return {
        value: requests / sendingSeconds,
        baseline: 'server limit',
        baselineValue: SERVER_LIMIT,
        details: {
          requests,
          sendingSeconds: sendingSeconds.toFixed(1),
          runSeconds: ((end - start) / 1000).toFixed(1),
          importSeconds: ((first - start) / 1000).toFixed(1),
          customersCreated: summary.customers.created,
          subscribersCreated: summary.subscribers.created,
          pending: summary.customers.pending + summary.subscribers.pending,
          failed: summary.customers.failed + summary.subscribers.failed,
          exitCode: summary.exitCode,
        },
      };
    } finally {
      await sim.close();
      rmSync(home, { recursive: true, force: true });
    }
  },
};

function writeSheets(home: string): void {
  const inbox = path.join(home, 'inbox', 'acme');
  mkdirSync(inbox, { recursive: true });
  const customers = [
    'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages,Provisioning ID',
  ];
  const subscribers = ['Customer external ID,Email,First name,Last name,Package'];
  for (let i = 0; i < CUSTOMERS; i++) {
    const id = `bench-${i}`;
    customers.push(
      `${id},Bench Customer ${i},admin@${id}.example,${i} Main Street,Austin,TX,78701,US,webex_meetings,ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2`,
    );
    for (let j = 0; j < PER_CUSTOMER; j++)
      subscribers.push(`${id},user${j}@${id}.example,User,${j},webex_meetings`);
  }
  const past = new Date(Date.now() - 60_000);
  for (const [name, lines] of [
    ['customers.csv', customers],
    ['subscribers.csv', subscribers],
  ] as const) {
    const file = path.join(inbox, name);
    writeFileSync(file, lines.join('\n') + '\n');
    utimesSync(file, past, past);
  }
}

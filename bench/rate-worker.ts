// One sending process of the `provision-workers` bench: `node dist/bench/rate-worker.js
// <simulator url> <pg schema> <token> <requests per second>` (compiled by `npm run build`). It sends as fast as the token's
// budget in the ledger lets it, and prints its counts as a JSON line every 250 ms until SIGTERM.
import { openDb, rateBudgetStore } from '../src/store/index.ts';
import { HttpWebexClient, SharedRateLimiter, tokenFingerprint } from '../src/webex/index.ts';

const [url, schema, token, rate] = process.argv.slice(2) as [string, string, string, string];
const db = openDb(
  { client: 'pg', connection: process.env.DATABASE_URL as string },
  { searchPath: schema },
);
const limiter = new SharedRateLimiter({
  budgets: rateBudgetStore(db),
  tokenKey: tokenFingerprint(token),
  requestsPerSecond: Number(rate),
});
const port = new HttpWebexClient({
  baseUrl: url,
  token,
  timeoutMs: 30_000,
  concurrency: 16,
  limiter,
  budget: { remaining: 1_000_000_000 },
  maxAttempts: 50,
});
const report = () =>
  process.stdout.write(
    JSON.stringify({ ...port.stats, ...limiter.stats, rate: limiter.currentRate }) + '\n',
  );
let running = true;
process.once('SIGTERM', () => (running = false));
const timer = setInterval(report, 250);
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (running) await port.listCustomers();
  }),
);
clearInterval(timer);
report();
await db.destroy();

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  checkReconcileTotals,
  emptyReconcileTotals,
  streamViewLines,
  type ReconcileSource,
} from '../src/reconcile/index.ts';
import { writeReconciliationCsv, type ReconcileLine } from '../src/reports/index.ts';
import {
  loadCustomers,
  migrateDb,
  openDb,
  readSubscriberPages,
  type Db,
} from '../src/store/index.ts';
import {
  HttpWebexClient,
  RateLimiter,
  type WebexCustomer,
  type WebexSubscriber,
} from '../src/webex/index.ts';
import { peakRssMB, seconds, type Benchmark } from './harness.ts';
import { startSimulatorProcess } from './simulator-process.ts';

const SUBSCRIBERS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CUSTOMERS = Math.max(1, Math.round(SUBSCRIBERS / 100));
const PER_CUSTOMER = Math.round(SUBSCRIBERS / CUSTOMERS);
/** 1% of subscribers drifted (package changed in Webex), 0.1% orphans (users added in Webex). */
const DRIFT_EVERY = 100;
const ORPHAN_EVERY_CUSTOMERS = 10;
const PARTNER = 'bench';
const NOW = '2026-12-01T00:00:00.000Z';
/** The simulator's default per-token limit (contract §5), and the customers paged at it. */
const DECLARED_RATE = 20;
const PAGED_CUSTOMERS = 200;

const customerId = (c: number) => `C${String(c).padStart(6, '0')}`;
const email = (c: number, u: number) => `u${String(u).padStart(3, '0')}@${customerId(c)}.example`;
const ADDRESS = {
  addressLine1: '1 Main St',
  city: 'Austin',
  stateOrProvince: 'TX',
  zipOrPostalCode: '78701',
  country: 'US',
};

/**
 * `reconcile` at a million subscribers: 10,000 customers of 100 subscribers each in the ledger
 * (SQLite) and in Webex, 1% of subscribers drifted and 0.1% orphans, compared by the run's own
 * streaming merge and written to reconciliation.csv, against streaming the same subscriber rows
 * out of the database alone. Webex here is generated customer by customer inside the bench (the
 * same records the simulator would page, without 10,000 seconds of HTTP at its declared rate);
 * the paging itself is measured apart, against the simulator process at its declared 20/s.
 */
export const reconcileBench: Benchmark = {
  name: 'reconcile',
  description: `${SUBSCRIBERS.toLocaleString('en-US')} subscribers under ${CUSTOMERS.toLocaleString('en-US')} customers reconciled (1% drifted, 0.1% orphans) vs streaming the same rows out of SQLite alone`,
  unit: 'rows/s',
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rtm-bench-reconcile-'));
    const db = openDb({ client: 'sqlite3', connection: path.join(dir, 'ledger.sqlite') });
    try {
      await migrateDb(db);
      const seedSeconds = await seconds(() => seedLedger(db));
      const baselineSeconds = await seconds(async () => {
        let rows = 0;
        for await (const page of readSubscriberPages(db, [PARTNER])) rows += page.length;
        if (rows !== SUBSCRIBERS) throw new Error(`read ${rows} of ${SUBSCRIBERS} rows`);
      });
      const totals = emptyReconcileTotals(true);
      const reconcileSeconds = await seconds(async () => {
        const customers = await db('customers').where({ partner_id: PARTNER });
        if (customers.length !== CUSTOMERS) throw new Error('customers not seeded');
        const view = {
          partners: [
            {
              id: PARTNER,
              reported: true,
              ownOrgIds: [],
              customers: await loadCustomers(db, PARTNER),
            },
          ],
        };
        await writeReconciliationCsv(
          path.join(dir, 'reconciliation.csv'),
          streamViewLines(db, generatedWebex(), view, totals) as AsyncIterable<ReconcileLine>,
          'en',
        );
      });
      const wrong = checkReconcileTotals(totals);
      if (wrong !== null) throw new Error(wrong);
      const c = totals.counts;
      const expectedDrift = Math.floor(PER_CUSTOMER / DRIFT_EVERY) * CUSTOMERS;
      if (c.drifted !== expectedDrift)
        throw new Error(`drifted ${c.drifted}, not ${expectedDrift}`);
      const peak = peakRssMB();
      const paging = await measurePaging();
      return {
        value: SUBSCRIBERS / reconcileSeconds,
        baseline: 'the same subscriber rows streamed out of SQLite alone (keyset pages)',
        baselineValue: SUBSCRIBERS / baselineSeconds,
        peakRssMB: peak,
        details: {
          subscribers: SUBSCRIBERS,
          customers: CUSTOMERS,
          seedSeconds: seedSeconds.toFixed(1),
          reconcileSeconds: reconcileSeconds.toFixed(2),
          databaseAloneSeconds: baselineSeconds.toFixed(2),
          inSync: c.inSync,
          drifted: c.drifted,
          orphansInWebex: c.orphansInWebex,
          ledgerEntries: totals.ledger,
          webexRecords: totals.webex ?? 0,
          pagingRequestsPerSecond: paging.requestsPerSecond.toFixed(2),
          pagingLimitPerSecond: DECLARED_RATE,
          pagingRequests: paging.requests,
          paging429: paging.answered429,
          pagingSubscribers: paging.subscribers,
          fullPagingMinutesAtLimit: (
            ((CUSTOMERS + CUSTOMERS / 100) / DECLARED_RATE) *
            (1 / 60)
          ).toFixed(1),
        },
      };
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** The ledger: every customer and subscriber provisioned as its sheet asked, in one transaction. */
async function seedLedger(db: Db): Promise<void> {
  await db('partners').insert({ id: PARTNER, locale: 'en', created_at: NOW, updated_at: NOW });
  await db.transaction(async (trx) => {
    for (let c0 = 0; c0 < CUSTOMERS; c0 += 100) {
      const rows = [];
      for (let c = c0; c < Math.min(CUSTOMERS, c0 + 100); c++) {
        const doc = {
          externalId: customerId(c),
          action: 'upsert',
          name: `Customer ${c}`,
          primaryEmail: `admin@${customerId(c)}.example`,
          address: ADDRESS,
          packages: ['webex_calling'],
        };
        rows.push([
          PARTNER,
          customerId(c),
          JSON.stringify(doc),
          `h${c}`,
          'upsert',
          `W-${c}`,
          'provisioned',
          `h${c}`,
          NOW,
          NOW,
        ]);
      }
      await insertRows(
        trx,
        'customers',
        [
          'partner_id',
          'external_id',
          'desired',
          'desired_hash',
          'desired_action',
          'webex_id',
          'webex_status',
          'applied_hash',
          'created_at',
          'updated_at',
        ],
        rows,
      );
    }
    for (let c = 0; c < CUSTOMERS; c++) {
      const rows = [];
      for (let u = 0; u < PER_CUSTOMER; u++) {
        const doc = {
          customerExternalId: customerId(c),
          email: email(c, u),
          action: 'upsert',
          firstName: 'Ana',
          lastName: `User ${u}`,
          package: 'webex_calling',
          isAdmin: false,
        };
        rows.push([
          PARTNER,
          customerId(c),
          email(c, u),
          JSON.stringify(doc),
          `h${c}-${u}`,
          'upsert',
          `S-${c}-${u}`,
          `W-${c}`,
          'provisioned',
          `h${c}-${u}`,
          NOW,
          NOW,
        ]);
      }
      await insertRows(
        trx,
        'subscribers',
        [
          'partner_id',
          'customer_external_id',
          'email',
          'desired',
          'desired_hash',
          'desired_action',
          'webex_id',
          'webex_customer_id',
          'webex_status',
          'applied_hash',
          'created_at',
          'updated_at',
        ],
        rows,
      );
    }
  });
}

/** One multi-row INSERT per 50 rows (SQLite's 999-parameter floor is not reached). */
async function insertRows(
  db: Db,
  table: string,
  columns: string[],
  rows: unknown[][],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 50) {
    const chunk = rows.slice(i, i + 50);
    const values = chunk.map(() => `(${columns.map(() => '?').join(',')})`).join(',');
    await db.raw(
      `insert into ${table} (${columns.join(',')}) values ${values}`,
      chunk.flat() as never[],
    );
  }
}

function webexCustomer(c: number): WebexCustomer {
  return {
    id: `W-${c}`,
    orgId: `ORG-${c}`,
    externalId: customerId(c),
    address: ADDRESS,
    status: 'provisioned',
    packages: ['webex_calling'],
  };
}

/** Customer c's subscribers as Webex lists them: every 100th with another package, every 10th customer with a user added by hand. */
function webexSubscribers(c: number): WebexSubscriber[] {
  const list: WebexSubscriber[] = [];
  for (let u = 0; u < PER_CUSTOMER; u++) {
    list.push({
      id: `S-${c}-${u}`,
      email: email(c, u),
      customerId: `W-${c}`,
      externalCustomerId: customerId(c),
      packages: [u % DRIFT_EVERY === 37 ? 'webex_meetings' : 'webex_calling'],
      status: 'provisioned',
    });
  }
  if (c % ORPHAN_EVERY_CUSTOMERS === 0) {
    list.push({
      id: `S-${c}-x`,
      email: `added@${customerId(c)}.example`,
      customerId: `W-${c}`,
      packages: ['webex_calling'],
      status: 'provisioned',
    });
  }
  return list;
}

/** Webex generated on demand, one customer's subscribers per call, as the simulator would page them. */
function generatedWebex(): ReconcileSource {
  return {
    listCustomers: () =>
      Promise.resolve(Array.from({ length: CUSTOMERS }, (_, c) => webexCustomer(c))),
    listSubscribers: (query = {}) => {
      const c = Number(/^W-(\d+)$/.exec(query.customerId ?? '')?.[1] ?? -1);
      return Promise.resolve(c >= 0 ? webexSubscribers(c) : []);
    },
  };
}

/**
 * Reconcile's paging against the simulator in a process of its own at its declared rate: the
 * first PAGED_CUSTOMERS customers with their subscribers in its state, listed by the real client
 * paced at that rate, an empty ledger (every record is an orphan).
 */
async function measurePaging() {
  const state = {
    version: 1,
    customers: Array.from({ length: PAGED_CUSTOMERS }, (_, c) => ({
      id: `W-${c}`,
      externalId: customerId(c),
      orgId: `ORG-${c}`,
      packages: ['webex_calling'],
      address: ADDRESS,
      createdMs: 0,
      operation: { kind: 'create', startedMs: 0 },
      rplCheckMs: 0,
    })),
    subscribers: Array.from({ length: PAGED_CUSTOMERS }, (_, c) =>
      webexSubscribers(c).map((s) => ({
        id: s.id,
        personId: `P-${s.id}`,
        email: s.email,
        customerId: s.customerId,
        packages: s.packages,
        status: 'provisioned',
        createdMs: 0,
        lastStatusChangeMs: 0,
      })),
    ).flat(),
  };
  const sim = await startSimulatorProcess(
    { rateLimitPerSecond: DECLARED_RATE },
    JSON.stringify(state),
  );
  const limiter = new RateLimiter({ requestsPerSecond: DECLARED_RATE });
  let requests = 0;
  const client = new HttpWebexClient({
    baseUrl: sim.url,
    token: 'bench-token',
    timeoutMs: 30_000,
    concurrency: 8,
    limiter,
    budget: { remaining: 1_000_000 },
    maxAttempts: 50,
  });
  const counted: ReconcileSource = {
    listCustomers: async () => {
      const list = await client.listCustomers();
      requests += Math.ceil(list.length / 100) || 1;
      return list;
    },
    listSubscribers: async (query) => {
      const list = await client.listSubscribers(query);
      requests += Math.ceil(list.length / 100) || 1;
      return list;
    },
  };
  const totals = emptyReconcileTotals(true);
  let subscribers = 0;
  try {
    const db = openDb({ client: 'sqlite3', connection: ':memory:' });
    await migrateDb(db);
    const elapsed = await seconds(async () => {
      const view = { partners: [{ id: PARTNER, reported: true, ownOrgIds: [], customers: [] }] };
      for await (const line of streamViewLines(db, counted, view, totals)) {
        if (line.entity === 'subscriber') subscribers += 1;
      }
    });
    await db.destroy();
    const answered429 = limiter.throttleCount;
    return {
      requestsPerSecond: (requests + answered429) / elapsed,
      requests: requests + answered429,
      answered429,
      subscribers,
    };
  } finally {
    await sim.close();
  }
}

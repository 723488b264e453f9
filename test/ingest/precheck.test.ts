import { expect } from 'chai';
import { fixedClock } from '../../src/clock/index.ts';
import { LOCALES } from '../../src/config/index.ts';
import { customerCreateBody, subscriberCreateBody } from '../../src/provision/index.ts';
import {
  planPrecheckIssues,
  precheckCustomerBody,
  precheckNote,
  precheckSubscriberBody,
  sendPrechecks,
  type PrecheckEntry,
} from '../../src/ingest/precheck.ts';
import { renderRowMessage } from '../../src/results/index.ts';
import {
  createRunRules,
  refuses,
  type CustomerDesired,
  type SubscriberDesired,
} from '../../src/rules/index.ts';
import { HttpWebexClient, RateLimiter } from '../../src/webex/index.ts';
import {
  startSimulator,
  validateRequestBody,
  type RunningSimulator,
} from '../../src/webex/simulator/index.ts';
import { CONFIG } from '../webex/simulator-support.ts';
import { aCallingCustomerRow, aContext, aCustomerRow, aSubscriberRow } from '../rules/builders.ts';

/** Accepted rows as the run's rules produce them: two customers and their users. */
function acceptedRows(): PrecheckEntry[] {
  const rules = createRunRules(aContext());
  const at = (row: number) => ({ file: 'f', row });
  const customers = [
    rules.checkCustomer(
      aCustomerRow({
        packages: 'webex_meetings, webex_calling',
        location_timezone: 'America/Chicago',
        language: 'en_US',
      }),
      at(2),
    ),
    rules.checkCustomer(aCallingCustomerRow({ external_id: 'c-2' }), at(3)),
  ];
  const users = [
    rules.checkSubscriber(aSubscriberRow(), at(2)),
    rules.checkSubscriber(
      aSubscriberRow({
        customer_external_id: 'c-2',
        email: 'Taro@Sakura.example',
        package: 'webex_calling',
        extension: '1001',
      }),
      at(3),
    ),
  ];
  const entries: PrecheckEntry[] = [];
  customers.forEach((c, i) => {
    expect(c.issues, JSON.stringify(c.issues)).to.deep.equal([]);
    entries.push({ kind: 'customer', row: i + 2, desired: c.value as CustomerDesired });
  });
  users.forEach((s, i) => {
    expect(s.issues, JSON.stringify(s.issues)).to.deep.equal([]);
    entries.push({ kind: 'subscriber', row: i + 2, desired: s.value as SubscriberDesired });
  });
  return entries;
}

function client(sim: RunningSimulator, token = 'partner-token'): HttpWebexClient {
  return new HttpWebexClient({
    baseUrl: sim.url,
    token,
    timeoutMs: 5000,
    concurrency: 8,
    limiter: new RateLimiter({ requestsPerSecond: 5000 }),
    budget: { remaining: 10_000 },
    maxAttempts: 3,
    backoffBaseMs: 1,
    backoffMaxMs: 5,
  });
}

describe('remote precheck (partner config precheck: true) against the simulator', () => {
  let sim: RunningSimulator;
  let running: RunningSimulator | null = null;
  const clock = fixedClock('2026-11-24T00:00:00Z');
  const start = async (faultRate = 0) => {
    sim = running = await startSimulator({
      config: { ...CONFIG, faultRate },
      clock,
      stateFile: null,
      port: 0,
    });
  };
  afterEach(async () => {
    await running?.close();
    running = null;
  });

  it('when the bodies are built from accepted rows, then each validates against the spec’s /validate schemas', () => {
    const entries = acceptedRows();
    for (const e of entries) {
      const issues =
        e.kind === 'customer'
          ? validateRequestBody(
              'post /wholesale/customers/validate',
              precheckCustomerBody(e.desired),
            )
          : validateRequestBody(
              'post /wholesale/subscribers/validate',
              precheckSubscriberBody(e.desired, {
                webexCustomerIds: new Map([['c-1', 'WEBEX-C-1']]),
              }),
            );
      expect(issues, e.kind).to.deep.equal([]);
    }
  });

  it('when a good batch is prechecked, then every row passes, each was sent once, and nothing was created', async () => {
    await start();
    const entries = acceptedRows();
    const report = await sendPrechecks(client(sim), entries, { batchSize: 3 });
    expect(report.issues).to.deep.equal([[], [], [], []]);
    expect(report).to.include({ checked: 4, unchecked: 0, stopped: null });
    expect(sim.stats().byOperation).to.deep.equal({
      'POST /wholesale/customers/validate': 2,
      'POST /wholesale/subscribers/validate': 2,
    });
    expect(sim.state.customers.size).to.equal(0);
  });

  it('when 600 rows are prechecked, then the calls overlap up to the client’s concurrency instead of one by one', async () => {
    sim = running = await startSimulator({
      config: { ...CONFIG, latencyMs: 20 },
      clock,
      stateFile: null,
      port: 0,
    });
    const [first] = acceptedRows();
    const entries = Array.from({ length: 600 }, (_, i): PrecheckEntry => {
      const d = first?.desired as CustomerDesired;
      return { kind: 'customer', row: i + 2, desired: { ...d, externalId: `c-${i}` } };
    });
    let inFlight = 0;
    let most = 0;
    const port = client(sim);
    const counting = Object.create(port) as HttpWebexClient;
    counting.precheckCustomer = async (body) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      try {
        return await port.precheckCustomer(body);
      } finally {
        inFlight -= 1;
      }
    };
    const report = await sendPrechecks(counting, entries);
    expect(report.checked).to.equal(600);
    expect(sim.stats().byOperation['POST /wholesale/customers/validate']).to.equal(600);
    // Started a batch at a time: far more than one call waits on the client at once.
    expect(most).to.be.greaterThan(8);
  });

  it('when Webex knows a user’s email already, then that row gets PRECHECK_REJECTED with code 10022, worded in each locale', async () => {
    await start();
    const port = client(sim);
    // Webex already has c-1 with the user ana@good.example.
    const [customer, , user] = acceptedRows();
    const created = await port.createCustomer(
      customerCreateBody(customer?.desired as CustomerDesired),
    );
    clock.advance(5000);
    await port.createSubscriber(
      subscriberCreateBody(user?.desired as SubscriberDesired, created.id),
    );

    const entries = acceptedRows();
    const report = await sendPrechecks(port, entries, {
      webexCustomerIds: new Map([['c-1', created.id]]),
    });
    expect(report.issues.map((list) => list.map((i) => i.code))).to.deep.equal([
      [],
      [],
      ['PRECHECK_REJECTED'],
      [],
    ]);
    const issue = report.issues[2]?.[0];
    expect(issue).to.deep.include({ column: 'email' });
    expect(issue?.params).to.include({ errorCode: 10022, entity: 'subscriber' });
    expect(issue && refuses(issue)).to.equal(true);
    const said = String(issue?.params.description);
    expect(said).to.contain('ana@good.example');
    const trackingId = String(issue?.params.trackingId);
    expect(trackingId).to.match(/^(RTMBATCH|ROUTER)_/);
    const label = { en: 'Email', ja: 'メールアドレス', 'pt-BR': 'E-mail' } as const;
    const expected = {
      en: ['row 2, column Email: ', 'use another email'],
      ja: ['2行目 メールアドレス: ', '別のメールアドレス'],
      'pt-BR': ['linha 2, coluna E-mail: ', 'use outro e-mail'],
    } as const;
    for (const locale of LOCALES) {
      if (!issue) break;
      const text = renderRowMessage(issue.code, issue.params, locale, 2, label[locale]);
      const [prefix, advice] = expected[locale];
      expect(text.startsWith(prefix), text).to.equal(true);
      for (const part of ['10022', said, trackingId, advice]) expect(text, locale).to.contain(part);
    }
  });

  it('when Webex refuses a customer’s address, then that customer is refused and its users are refused with it without a call', async () => {
    await start();
    const entries = acceptedRows();
    const bad = entries[1] as Extract<PrecheckEntry, { kind: 'customer' }>;
    // a line the rules would have caught; here it stands for any refusal the rules do not know
    bad.desired = {
      ...bad.desired,
      address: { ...bad.desired.address, addressLine1: 'x'.repeat(51) },
    };
    const report = await sendPrechecks(client(sim), entries);
    // Webex names the billing address and the calling location's (the same address) apart
    expect(report.issues.map((list) => [...new Set(list.map((i) => i.code))])).to.deep.equal([
      [],
      ['PRECHECK_REJECTED'],
      [],
      ['CUSTOMER_REJECTED'],
    ]);
    expect(String(report.issues[1]?.[0]?.params.description)).to.contain('addressLine1');
    expect(report.issues[3]?.[0]?.params).to.include({ customerRow: 3, value: 'c-2' });
    expect(sim.stats().byOperation['POST /wholesale/subscribers/validate']).to.equal(1);
    expect(report).to.include({ checked: 3, unchecked: 0 });
  });

  it('when every call fails with 5xx or a cut connection, then no row is refused and one note says the rows went on unchecked', async () => {
    await start(1);
    const entries = acceptedRows();
    const report = await sendPrechecks(client(sim), entries, { batchSize: 2 });
    expect(report.issues.flat()).to.deep.equal([]);
    expect(report.checked).to.equal(0);
    expect(report.unchecked).to.equal(4);
    expect(report.stopped?.reason).to.equal('unreachable');
    // the first batch failed, so the precheck stopped instead of spending retries on the rest
    expect(sim.stats().byOperation['POST /wholesale/subscribers/validate'] ?? 0).to.equal(0);
    const note = precheckNote('acme', report, 'en');
    expect(note).to.match(/^partner acme: Webex's precheck \(\/validate\) could not be reached/);
    expect(note).to.contain('4 rows went on without a remote check');
    expect(precheckNote('acme', report, 'ja')).to.contain('4行はリモートチェックなしで');
  });

  it('when Webex refuses the token, then the precheck stops for the partner with a note naming the token setting', async () => {
    await start();
    const report = await sendPrechecks(client(sim, ''), acceptedRows());
    expect(report.issues.flat()).to.deep.equal([]);
    expect(report.stopped).to.include({ reason: 'auth', unchecked: 4 });
    expect(report.stopped?.detail).to.match(/^HTTP 401: /);
    expect(precheckNote('acme', report, 'en')).to.contain(
      'Webex refused the token for the precheck',
    );
    expect(precheckNote('acme', report, 'pt-BR')).to.contain('partners.acme.webex.tokenEnv');
    expect(sim.stats().byOperation['POST /wholesale/subscribers/validate'] ?? 0).to.equal(0);
  });

  it('when a precheck answers with an info code other than 100, then the row gets PRECHECK_INFO and is not refused', () => {
    const issues = planPrecheckIssues('customer', {
      passed: false,
      infos: [
        { infoCode: 100, description: 'Provisioning preCheck validation successful.' },
        { infoCode: 101, description: 'The organization name will be shortened.' },
      ],
      errors: [],
      trackingId: 'ROUTER_9',
    });
    expect(issues.map((i) => [i.code, refuses(i)])).to.deep.equal([['PRECHECK_INFO', false]]);
    const text = renderRowMessage('PRECHECK_INFO', issues[0]?.params ?? {}, 'en', 7, null);
    expect(text).to.equal(
      'row 7: Webex\'s precheck notes: "The organization name will be shortened." (code 101, tracking id ROUTER_9). The row goes ahead; check it if this is unexpected.',
    );
  });

  it('when a delete is among the rows, then it is not prechecked', async () => {
    await start();
    const [customer] = acceptedRows();
    const report = await sendPrechecks(client(sim), [
      {
        kind: 'customer',
        row: 2,
        desired: { ...(customer?.desired as CustomerDesired), action: 'delete' },
      },
    ]);
    expect(report).to.include({ checked: 0, unchecked: 0, stopped: null });
    expect(sim.stats().requests).to.equal(0);
  });
});

import { expect } from 'chai';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpWebexClient, nextLink, parseRetryAfter, RateLimiter } from '../../src/webex/index.ts';

describe('webex client: parsing answers', () => {
  const now = Date.parse('2026-11-24T00:00:00Z');

  it('when Retry-After is seconds or an HTTP date, then it becomes milliseconds', () => {
    expect(parseRetryAfter('30', now)).to.equal(30_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 00:00:12 GMT', now)).to.equal(12_000);
  });

  it('when Retry-After is malformed (Webex has sent rand(30),add(30)), then null: the caller backs off', () => {
    for (const v of ['rand(30),add(30)', '-5', '1.5', '', 'soon'])
      expect(parseRetryAfter(v, now), v).to.equal(null);
    expect(parseRetryAfter(null, now)).to.equal(null);
  });

  it('when Link has rel="next" on the same origin, then it is followed; another origin never gets the token', () => {
    const base = new URL('https://webexapis.com/v1/');
    expect(
      nextLink(
        '<https://webexapis.com/v1/wholesale/customers?offset=100&max=100>; rel="next"',
        base,
      )?.searchParams.get('offset'),
    ).to.equal('100');
    expect(nextLink('<https://evil.example/v1/x>; rel="next"', base)).to.equal(null);
    expect(nextLink('<https://webexapis.com/v1/x>; rel="prev"', base)).to.equal(null);
  });
});

describe('webex client: rate limiter', () => {
  const fake = () => {
    const clock = { t: 0 };
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    };
    return { clock, waits, now: () => clock.t, sleep };
  };
  /** A limiter on the fake clock `f`, without headroom. */
  const limiterOn = (
    f: ReturnType<typeof fake>,
    opts: { requestsPerSecond: number; probeAfterMs?: number },
  ) => new RateLimiter({ ...opts, headroom: 1, now: f.now, sleep: f.sleep });

  it('when requests are taken, then they are spaced at the configured rate', async () => {
    const f = fake();
    const limiter = limiterOn(f, { requestsPerSecond: 10 });
    for (let i = 0; i < 4; i++) await limiter.take();
    expect(f.waits).to.deep.equal([100, 200, 300]);
    f.clock.t = 10_000;
    await limiter.take();
    expect(f.waits).to.have.length(3);
  });

  it('when a 429 arrives, then every request waits Retry-After and the rate drops to what the server admitted', async () => {
    const f = fake();
    const limiter = limiterOn(f, { requestsPerSecond: 200 });
    for (let i = 0; i < 50; i++) {
      f.clock.t = i * 10;
      limiter.admittedOne();
    }
    limiter.throttled(1000);
    limiter.throttled(1000); // a second in-flight request refused in the same pause: no second decrease
    expect(limiter.currentRate).to.equal(50);
    await limiter.take();
    expect(f.waits).to.deep.equal([1000]);
  });

  it('when the event loop stalls past many slots, then no second holds more requests than the paced rate', async () => {
    const limiter = new RateLimiter({ requestsPerSecond: 20, headroom: 1 });
    const sentAt: number[] = [];
    const started = Date.now();
    const takes = Array.from({ length: 40 }, () =>
      limiter.take().then(() => sentAt.push(Date.now() - started)),
    );
    await takes[0];
    // Busy for 600 ms: the slots of the next 11 requests pass while nothing can run.
    while (Date.now() - started < 600);
    await Promise.all(takes);
    expect(sentAt).to.have.length(40);
    // Within any second (less the millisecond or two the timers and the clock may round by).
    const busiest = Math.max(
      ...sentAt.map((t) => sentAt.filter((u) => u >= t && u < t + 998).length),
    );
    expect(busiest).to.be.at.most(20);
  });

  it('when 429s keep coming right after each pause (an incident), then the rate drops once, not once per 429, and probing is not put off', async () => {
    const f = fake();
    const limiter = limiterOn(f, { requestsPerSecond: 40, probeAfterMs: 10_000 });
    // Soak seed 63: 15 answers 429 in a row, each to the first request after Retry-After.
    for (let i = 0; i < 15; i++) {
      f.clock.t = i * 1000;
      limiter.throttled(1000);
    }
    expect(limiter.currentRate).to.equal(20);
    // Calm: probing starts 10 s after the incident's last pause, not 5 minutes.
    f.clock.t = 15_000 + 10_000;
    await limiter.take();
    f.clock.t = 15_000 + 20_000;
    await limiter.take();
    expect(limiter.currentRate).to.be.above(20);
  });

  it('when calm follows a 429, then the rate rises again only after the probe delay, and rises slowly', async () => {
    const f = fake();
    const limiter = limiterOn(f, { requestsPerSecond: 20, probeAfterMs: 10_000 });
    limiter.throttled(5000); // no sample yet: halve
    expect(limiter.currentRate).to.equal(10);
    f.clock.t = 12_000;
    await limiter.take();
    expect(limiter.currentRate).to.equal(10);
    f.clock.t = 16_000;
    await limiter.take();
    expect(limiter.currentRate).to.be.closeTo(10.4, 1e-9);
  });
});

describe('webex client: long lists', () => {
  /** A list server of `total` customers that gives at most `serverMax` per page, with Link next. */
  async function listServer(total: number, serverMax: number) {
    const offsets: number[] = [];
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const max = Math.min(Number(url.searchParams.get('max') ?? 50), serverMax);
      offsets.push(offset);
      const items = Array.from({ length: Math.max(0, Math.min(max, total - offset)) }, (_, i) => ({
        id: `id-${offset + i}`,
        externalId: `ext-${offset + i}`,
      }));
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (offset + max < total) {
        url.searchParams.set('offset', String(offset + max));
        url.searchParams.set('max', String(max));
        headers.link = `<http://127.0.0.1:${port}${url.pathname}${url.search}>; rel="next"`;
      }
      res.writeHead(200, headers).end(JSON.stringify({ items }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const client = new HttpWebexClient({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      token: 'list-token',
      timeoutMs: 5000,
      concurrency: 8,
      limiter: new RateLimiter({ requestsPerSecond: 5000 }),
      budget: { remaining: 100 },
      backoffBaseMs: 5,
      backoffMaxMs: 50,
    });
    return { client, offsets, close: () => new Promise((r) => server.close(r)) };
  }

  it('when a list runs over many full pages, then every record comes once, in order, with few pages asked twice', async () => {
    const list = await listServer(1050, 100);
    try {
      const customers = await list.client.listCustomers();
      expect(customers.map((c) => c.externalId)).to.deep.equal(
        Array.from({ length: 1050 }, (_, i) => `ext-${i}`),
      );
      // 11 pages; pages asked ahead of the end are the only extra requests.
      expect(new Set(list.offsets).size).to.equal(list.offsets.length);
      expect(list.offsets.length).to.be.within(11, 11 + 3);
    } finally {
      await list.close();
    }
  });

  it('when the server gives smaller pages than asked, then every record still comes once, in order', async () => {
    const list = await listServer(1050, 30);
    try {
      const customers = await list.client.listCustomers();
      expect(customers.map((c) => c.externalId)).to.deep.equal(
        Array.from({ length: 1050 }, (_, i) => `ext-${i}`),
      );
    } finally {
      await list.close();
    }
  });
});

describe('webex client: credentials quoted back in error text', () => {
  const TOKEN = 'OWQ5ZjE2YzAtNmI3Ny00YjNkLTlkYmItYzY1ZGQ3NTkyYmYx_PF84_token';
  const OTHER = 'configured-secret-0042';

  it('when Webex quotes the Authorization header, a configured secret or a URL password in a 401, 400 or 503, then no error the client throws holds them, and each still carries its status, code and tracking id', async () => {
    const server = createServer((req, res) => {
      const auth = req.headers.authorization ?? '';
      const [status, body]: [number, unknown] =
        req.url === '/v1/wholesale/customers/c-401'
          ? [401, { message: `invalid token ${auth}`, trackingId: 'T-401' }]
          : req.url === '/v1/wholesale/customers/c-400'
            ? [
                400,
                {
                  message: 'Bad request',
                  errors: [
                    { errorCode: 4003, description: `token ${TOKEN} and ${OTHER} refused` },
                    { errorCode: 4004, description: `Authorization: ${auth}` },
                  ],
                  trackingId: 'T-400',
                },
              ]
            : [503, { message: `upstream https://svc:${OTHER}@idbroker.example/ said no` }];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const client = new HttpWebexClient({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      token: TOKEN,
      secrets: [OTHER],
      timeoutMs: 5000,
      concurrency: 2,
      limiter: new RateLimiter({ requestsPerSecond: 1000 }),
      budget: { remaining: 0 },
    });
    const failure = (id: string) =>
      client.getCustomer(id).then(
        () => expect.fail(`${id} did not fail`),
        (err: Error & { info: { status: number; trackingId: string; errorCode?: number } }) => err,
      );
    try {
      const errors = [await failure('c-401'), await failure('c-400'), await failure('c-503')];
      expect(errors.map((e) => e.name)).to.deep.equal([
        'AuthError',
        'PermanentError',
        'TransientError',
      ]);
      expect(errors.map((e) => [e.info.status, e.info.errorCode])).to.deep.equal([
        [401, undefined],
        [400, 4003],
        [503, undefined],
      ]);
      expect(errors[0]?.info.trackingId).to.equal('T-401');
      expect(errors[0]?.message).to.contain('invalid token Bearer [REDACTED]');
      expect(errors[1]?.message).to.contain('token [REDACTED] and [REDACTED] refused');
      expect(errors[2]?.message).to.contain('https://svc:[REDACTED]@idbroker.example/');
      const text = JSON.stringify(errors.map((e) => [e.message, e.stack, e.info]));
      expect(text).not.to.contain(TOKEN);
      expect(text).not.to.contain(OTHER);
    } finally {
      server.close();
    }
  });
});

import { expect } from 'chai';
import { nextLink, parseRetryAfter, RateLimiter } from '../../src/webex/index.ts';

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

  it('when requests are taken, then they are spaced at the configured rate', async () => {
    const f = fake();
    const limiter = new RateLimiter({
      requestsPerSecond: 10,
      headroom: 1,
      now: f.now,
      sleep: f.sleep,
    });
    for (let i = 0; i < 4; i++) await limiter.take();
    expect(f.waits).to.deep.equal([100, 200, 300]);
    f.clock.t = 10_000;
    await limiter.take();
    expect(f.waits).to.have.length(3);
  });

  it('when a 429 arrives, then every request waits Retry-After and the rate drops to what the server admitted', async () => {
    const f = fake();
    const limiter = new RateLimiter({
      requestsPerSecond: 200,
      headroom: 1,
      now: f.now,
      sleep: f.sleep,
    });
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

  it('when calm follows a 429, then the rate rises again only after the probe delay, and rises slowly', async () => {
    const f = fake();
    const limiter = new RateLimiter({
      requestsPerSecond: 20,
      headroom: 1,
      probeAfterMs: 10_000,
      now: f.now,
      sleep: f.sleep,
    });
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

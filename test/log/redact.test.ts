import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  closeLogger,
  createLogger,
  LOG_FILE_NAME,
  redact,
  redactString,
} from '../../src/log/index.ts';

describe('logging: secrets never reach a log line', () => {
  it('when a message and fields carry a bearer token, an Authorization header and a configured secret, then the log file has none of them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rtm-log-'));
    const token = 'ZTk4YjQ1YWEtYmQ0Mi00MmI2LWJiNjAtNzQ5NDk1NjI2ZWM0';
    const secret = 'partner-secret-value-42';
    const logger = createLogger({ dir, secrets: [secret], console: false });
    const child = logger.child({ runId: 'r1', job: 'provision', partner: 'acme' });
    child.info(`calling with Bearer ${token}`);
    child.warn('request failed', {
      headers: { Authorization: `Bearer ${token}`, 'x-other': 'kept' },
      body: `token=${secret}`,
    });
    child.error('db', {
      url: 'postgres://rtm:hunter2pass@db.example/rtm',
      error: new Error(`boom ${secret}`),
    });
    await closeLogger(logger);

    const text = readFileSync(path.join(dir, LOG_FILE_NAME), 'utf8');
    expect(text).not.to.contain(token);
    expect(text).not.to.contain(secret);
    expect(text).not.to.contain('hunter2pass');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).to.have.length(3);
    expect(lines[0]).to.include({ runId: 'r1', job: 'provision', partner: 'acme', level: 'info' });
    expect(lines[1]?.headers).to.deep.equal({ Authorization: '[REDACTED]', 'x-other': 'kept' });
    expect(String(lines[0]?.message)).to.equal('calling with Bearer [REDACTED]');
  });

  it('when text holds no secret, then it is unchanged', () => {
    expect(redactString('imported 12 rows from customers.csv', ['abcdef'])).to.equal(
      'imported 12 rows from customers.csv',
    );
  });

  it('when a customer name reads "Basic Foods" or "Bearer Co-op", then it is left as it is; a credential after Basic or Bearer is masked', () => {
    for (const name of ['Basic Foods Inc', 'Bearer Co-op Road 12', 'Basic Well-Being Corp'])
      expect(redactString(name, [])).to.equal(name);
    expect(redactString('Authorization: Basic dXNlcjpwYXNzd29yZA==', [])).to.equal(
      'Authorization: Basic [REDACTED]',
    );
    expect(redactString('bearer eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8 refused', [])).to.equal(
      'bearer [REDACTED] refused',
    );
  });

  it('when a report input holds nothing to mask, then the same object comes back, not a copy', () => {
    const input = { issues: [{ row: 2, value: 'a@b', at: new Date(0) }], notes: ['ok'] };
    expect(redact(input, ['abcdef'])).to.equal(input);
  });

  it('when one object is reached by two paths, then both are masked and neither is called circular; a real cycle still is', () => {
    const shared = { message: 'token abcdef refused' };
    const input: Record<string, unknown> = { first: shared, list: [shared], keep: 'x' };
    const out = redact(input, ['abcdef']) as Record<string, unknown>;
    expect(out).to.deep.equal({
      first: { message: 'token [REDACTED] refused' },
      list: [{ message: 'token [REDACTED] refused' }],
      keep: 'x',
    });
    expect(shared.message).to.equal('token abcdef refused'); // the input is not changed
    input.self = input;
    expect((redact(input, ['abcdef']) as Record<string, unknown>).self).to.equal('[Circular]');
  });
});

import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeLogger, createLogger, LOG_FILE_NAME, redactString } from '../../src/log/index.ts';

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
});

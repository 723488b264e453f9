// A nightly writes results at its end: once a re-sent file's rows are committed, the results under
// its name are an earlier upload's and are taken out of the outbox (withdrawResults), never
// following a link and never touching a name that is not the partner's plain file name.
import { expect } from 'chai';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withdrawResults } from '../../src/results/index.ts';
import { createLogger } from '../../src/log/index.ts';
import type { Db } from '../../src/store/index.ts';
import { testConfig } from '../support/run-context.ts';

function context() {
  const config = testConfig();
  const log = createLogger({ secrets: [], console: false });
  // The ledger is not read: only the outbox is.
  return { config, log, db: undefined as unknown as Db };
}

describe("withdrawResults: an earlier upload's results taken out of the outbox", function () {
  it('when a plain name has results in either format, then both go and nothing else does', async () => {
    const ctx = context();
    const outbox = path.join(ctx.config.home, 'outbox', 'acme');
    mkdirSync(outbox, { recursive: true });
    for (const n of ['users.csv.results.csv', 'users.csv.results.xlsx', 'other.csv.results.csv'])
      writeFileSync(path.join(outbox, n), 'x');
    await withdrawResults(ctx, 'acme', 'users.csv');
    expect(existsSync(path.join(outbox, 'users.csv.results.csv'))).to.equal(false);
    expect(existsSync(path.join(outbox, 'users.csv.results.xlsx'))).to.equal(false);
    expect(existsSync(path.join(outbox, 'other.csv.results.csv'))).to.equal(true);
    // Nothing there: nothing to do, no error.
    await withdrawResults(ctx, 'acme', 'users.csv');
    await withdrawResults(ctx, 'nobody', 'users.csv');
  });

  it('when the results name is a link, then the link goes and what it points at stays', async () => {
    const ctx = context();
    const outbox = path.join(ctx.config.home, 'outbox', 'acme');
    mkdirSync(outbox, { recursive: true });
    const elsewhere = path.join(mkdtempSync(path.join(os.tmpdir(), 'rtm-elsewhere-')), 'keep.txt');
    writeFileSync(elsewhere, 'keep');
    symlinkSync(elsewhere, path.join(outbox, 'users.csv.results.csv'));
    await withdrawResults(ctx, 'acme', 'users.csv');
    expect(existsSync(path.join(outbox, 'users.csv.results.csv'))).to.equal(false);
    expect(readFileSync(elsewhere, 'utf8')).to.equal('keep');
  });

  it("when the partner's outbox folder is a link, then nothing is removed through it", async () => {
    const ctx = context();
    const target = mkdtempSync(path.join(os.tmpdir(), 'rtm-elsewhere-'));
    writeFileSync(path.join(target, 'users.csv.results.csv'), 'keep');
    mkdirSync(path.join(ctx.config.home, 'outbox'), { recursive: true });
    symlinkSync(target, path.join(ctx.config.home, 'outbox', 'acme'));
    await withdrawResults(ctx, 'acme', 'users.csv');
    expect(readFileSync(path.join(target, 'users.csv.results.csv'), 'utf8')).to.equal('keep');
  });

  it('when the name is not plain (its results take the stored copy’s name), then nothing is removed', async () => {
    const ctx = context();
    const outbox = path.join(ctx.config.home, 'outbox', 'acme');
    mkdirSync(outbox, { recursive: true });
    // What resultsFileName falls back to without a stored copy.
    writeFileSync(path.join(outbox, 'file.results.csv'), 'keep');
    for (const name of ['.hidden.csv', 'con.csv', 'a\u202Eb.csv', 'tab\there.csv'])
      await withdrawResults(ctx, 'acme', name);
    expect(readFileSync(path.join(outbox, 'file.results.csv'), 'utf8')).to.equal('keep');
  });
});

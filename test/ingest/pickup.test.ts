import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { recoverClaims, CLAIM_DIR } from '../../src/ingest/pickup.ts';
import type { Summary } from '../../src/reports/index.ts';
import { runCli, tempHome } from '../support/cli.ts';

const CUSTOMERS =
  'External ID,Customer name,Primary email,Address line 1,City,Country,Packages,Provisioning ID\nc-1,Good Co,a@good.example,1 Main St,Austin,US,webex_meetings,P1\n';
const OLD = new Date(Date.now() - 3600_000);

function inbox(home: string, partner = 'acme'): string {
  const dir = path.join(home, 'inbox', partner);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function drop(dir: string, name: string, text: string, stable = true): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  if (stable) utimesSync(file, OLD, OLD);
  return file;
}

async function importJson(home: string): Promise<Summary> {
  const res = await runCli(['import', '--json'], { home });
  expect([0, 1], res.stderr).to.include(res.code);
  return JSON.parse(res.stdout) as Summary;
}

describe('ingest: pickup from the drop zone', () => {
  it('when uploads are in progress, locked, hidden or in sub-folders, then only finished files are read', async () => {
    const home = tempHome();
    const dir = inbox(home);
    drop(dir, 'customers.csv', CUSTOMERS);
    for (const name of [
      '.hidden.csv',
      'upload.csv.part',
      'upload.csv.filepart',
      'x.tmp',
      '~$book.xlsx',
      'notes.pdf',
    ])
      drop(dir, name, CUSTOMERS);
    drop(dir, 'fresh.csv', CUSTOMERS.replace('c-1', 'c-2'), false); // still being written
    mkdirSync(path.join(dir, 'old'));
    drop(path.join(dir, 'old'), 'nested.csv', CUSTOMERS);
    const s = await importJson(home);
    expect(s.files.map((f) => f.name)).to.deep.equal(['customers.csv']);
    expect(readdirSync(dir).sort()).to.deep.equal([
      '.hidden.csv',
      '.rtm-claims',
      'fresh.csv',
      'notes.pdf',
      'old',
      'upload.csv.filepart',
      'upload.csv.part',
      'x.tmp',
      '~$book.xlsx',
    ]);
  });

  it('when a link, a hard-linked file or a FIFO is dropped, then each is quarantined as FILE_NOT_REGULAR and its target is untouched', async () => {
    const home = tempHome();
    const dir = inbox(home);
    const secret = path.join(home, 'secret.csv');
    writeFileSync(secret, CUSTOMERS);
    symlinkSync(secret, path.join(dir, 'link.csv'));
    const shared = drop(home, 'shared.csv', CUSTOMERS.replace('c-1', 'c-9'));
    linkSync(shared, path.join(dir, 'hard.csv'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.csv')]);
    const s = await importJson(home);
    expect(s.files.map((f) => [f.name, f.status, f.code]).sort()).to.deep.equal([
      ['hard.csv', 'quarantined', 'FILE_NOT_REGULAR'],
      ['link.csv', 'quarantined', 'FILE_NOT_REGULAR'],
      ['pipe.csv', 'quarantined', 'FILE_NOT_REGULAR'],
    ]);
    expect(readFileSync(secret, 'utf8')).to.equal(CUSTOMERS);
    expect(
      readdirSync(path.join(home, 'quarantine', 'acme')).filter((n) => n.endsWith('.reason.txt')),
    ).to.have.length(3);
  });

  it('when file names carry path tricks or bidi characters, then stored copies get names the run made', async () => {
    const home = tempHome();
    const dir = inbox(home);
    drop(dir, 'x\\..\\..\\evil.csv', CUSTOMERS); // a leading dot would make it a dot-file, ignored
    drop(dir, 'inv\u202Excl.csv', CUSTOMERS.replace('c-1', 'c-2'));
    const s = await importJson(home);
    expect(s.files.map((f) => f.status)).to.deep.equal(['processed', 'processed']);
    for (const name of readdirSync(path.join(home, 'archive', 'acme'))) {
      expect(name).to.match(/^\d{8}T\d{6}Z-import-[0-9a-f]{6}-\d{4}\.csv$/);
    }
  });

  it('when the same bytes are dropped again under another name, then FILE_DUPLICATE and no row is processed twice', async () => {
    const home = tempHome();
    const dir = inbox(home);
    drop(dir, 'a.csv', CUSTOMERS);
    await importJson(home);
    drop(dir, 'b.csv', CUSTOMERS);
    const s = await importJson(home);
    expect(s.files.map((f) => [f.name, f.status, f.code])).to.deep.equal([
      ['b.csv', 'duplicate', 'FILE_DUPLICATE'],
    ]);
    expect(s.rows.total).to.equal(0);
  });

  it('when a run crashed with files claimed, then the next start puts them back where the partner dropped them', async () => {
    const home = tempHome();
    const dir = inbox(home);
    const claims = path.join(dir, CLAIM_DIR);
    mkdirSync(claims);
    writeFileSync(path.join(claims, 'run-0001.csv'), CUSTOMERS);
    writeFileSync(
      path.join(claims, 'run-0001.csv.claim.json'),
      JSON.stringify({ name: 'customers.csv' }),
    );
    writeFileSync(
      path.join(claims, 'run-0002.csv.claim.json'),
      JSON.stringify({ name: '../escape.csv' }),
    );
    expect(await recoverClaims(dir)).to.equal(1);
    expect(readFileSync(path.join(dir, 'customers.csv'), 'utf8')).to.equal(CUSTOMERS);
    expect(readdirSync(claims)).to.deep.equal([]);
    expect(existsSync(path.join(home, 'inbox', 'escape.csv'))).to.equal(false);
  });

  it('when --dry-run is given, then every check runs but nothing is staged and no file moves', async () => {
    const home = tempHome();
    const dir = inbox(home);
    drop(dir, 'customers.csv', CUSTOMERS);
    drop(dir, 'broken.csv', 'External ID,Customer name\n"c-3,unclosed\n');
    const res = await runCli(['import', '--dry-run', '--json'], { home });
    const s = JSON.parse(res.stdout) as Summary;
    expect(s.dryRun).to.equal(true);
    expect(s.files.map((f) => [f.name, f.status])).to.deep.include.members([
      ['customers.csv', 'processed'],
      ['broken.csv', 'quarantined'],
    ]);
    expect(readdirSync(dir).sort()).to.deep.equal(['broken.csv', 'customers.csv']);
    expect(existsSync(path.join(home, 'archive'))).to.equal(false);
    const again = JSON.parse((await runCli(['import', '--json'], { home })).stdout) as Summary;
    expect(again.rows.accepted).to.equal(1); // nothing was staged by the dry run
  });
});

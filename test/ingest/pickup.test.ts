import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import {
  claimCandidate,
  isCandidateName,
  moveInto,
  openClaimFolder,
  recoveredName,
  recoverClaims,
  releaseClaim,
  CLAIM_DIR,
  type ClaimFolder,
} from '../../src/ingest/pickup.ts';
import { PartnerFolderFault } from '../../src/faults/index.ts';
import type { Summary } from '../../src/reports/index.ts';
import { runCli, tempHome } from '../support/cli.ts';
import { mountSmallFs, type SmallFs } from '../support/small-fs.ts';

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
  it('when uploads are in progress, locked, hidden or in sub-folders, then only finished files are read, and one still being written is listed as waiting', async () => {
    const home = tempHome();
    const dir = inbox(home);
    drop(dir, 'customers.csv', CUSTOMERS);
    for (const name of [
      '.hidden.csv',
      'upload.csv.part',
      'upload.csv.filepart',
      'x.tmp',
      '~$book.xlsx',
    ])
      drop(dir, name, CUSTOMERS);
    drop(dir, 'fresh.csv', CUSTOMERS.replace('c-1', 'c-2'), false); // still being written
    mkdirSync(path.join(dir, 'old'));
    drop(path.join(dir, 'old'), 'nested.csv', CUSTOMERS);
    const s = await importJson(home);
    expect(s.files.map((f) => [f.name, f.status])).to.deep.equal([
      ['fresh.csv', 'skipped'],
      ['customers.csv', 'processed'],
    ]);
    expect(s.files[0]?.message).to.match(/still being written/);
    // Needs a person to know (an upload that never finishes stays waiting): attention, exit 1.
    expect(s.status).to.equal('attention');
    expect(s.attention.map((a) => [a.kind, a.partner, a.count])).to.deep.equal([
      ['files_waiting', 'acme', 1],
    ]);
    expect(readdirSync(dir).sort()).to.deep.equal([
      '.hidden.csv',
      '.rtm-claims',
      'fresh.csv',
      'old',
      'upload.csv.filepart',
      'upload.csv.part',
      'x.tmp',
      '~$book.xlsx',
    ]);
  });

  it('when a partner drops a file in a format we do not read, then it is quarantined FILE_FORMAT saying in its language how to save it', async () => {
    const home = tempHome();
    writeFileSync(
      path.join(home, 'rtm-batch.config.json'),
      JSON.stringify({ partners: { sakura: { locale: 'ja' } } }),
    );
    for (const name of ['顧客.xls', 'notes.pdf', 'book.ods', 'plan.numbers'])
      drop(inbox(home, 'sakura'), name, 'not a sheet we read');
    const s = await importJson(home);
    expect(s.files.map((f) => [f.name, f.status, f.code]).sort()).to.deep.equal(
      [
        ['book.ods', 'quarantined', 'FILE_FORMAT'],
        ['notes.pdf', 'quarantined', 'FILE_FORMAT'],
        ['plan.numbers', 'quarantined', 'FILE_FORMAT'],
        ['顧客.xls', 'quarantined', 'FILE_FORMAT'],
      ].sort(),
    );
    expect(s.status).to.equal('attention');
    expect(s.attention.map((a) => [a.kind, a.partner, a.count])).to.deep.equal([
      ['files_unsupported', 'sakura', 4],
    ]);
    // Nothing stays unanswered in the inbox; each reason says what to do, in Japanese.
    expect(readdirSync(inbox(home, 'sakura'))).to.deep.equal(['.rtm-claims']);
    const quarantine = path.join(home, 'quarantine', 'sakura');
    const reasons = readdirSync(quarantine).filter((n) => n.endsWith('.reason.txt'));
    expect(reasons).to.have.length(4);
    const xls = reasons
      .map((n) => readFileSync(path.join(quarantine, n), 'utf8'))
      .find((text) => text.includes('顧客.xls'));
    expect(xls).to.match(
      /^FILE_FORMAT: このファイル（Excel 97-2003 workbook \(\.xls\)）は読み込めません。/,
    );
    expect(xls).to.contain('CSV UTF-8');
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
    const folder = await openClaimFolder({ partner: 'acme', dir }, false);
    if (!folder) throw new Error('expected the claim folder');
    expect(await recoverClaims(folder, '20261206T031500Z')).to.deep.equal({
      restored: 1,
      renamed: [],
      links: 0,
      folders: [],
    });
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

describe('pickup: putting files back and moving them (issue 16)', () => {
  const STAMP = '20261206T031500Z';

  async function claimFolder(dir: string): Promise<ClaimFolder> {
    const folder = await openClaimFolder({ partner: 'acme', dir }, true);
    if (!folder) throw new Error('expected the claim folder');
    return folder;
  }

  it('when a claimed file comes back under a made name, then the name is still read, keeps the extension as spelled, and fits', () => {
    expect(recoveredName('Clientes.CSV', '20261206T031500Z')).to.equal(
      'Clientes (recovered 20261206T031500Z).CSV',
    );
    expect(recoveredName('a.xlsx', '20261206T031500Z', 2)).to.equal(
      'a (recovered 20261206T031500Z 2).xlsx',
    );
    const long = recoveredName(`${'顧'.repeat(80)}.csv`, '20261206T031500Z');
    expect(Buffer.byteLength(long)).to.be.at.most(255);
    expect(long).to.match(/ \(recovered 20261206T031500Z\)\.csv$/);
    expect(isCandidateName(long)).to.equal(true);
  });

  it('when a claimed file goes back and a new upload has its name, then it comes back beside it under a made name and the new file is untouched', async () => {
    const dir = inbox(tempHome());
    const claims = await claimFolder(dir);
    const file = drop(dir, 'customers.csv', CUSTOMERS);
    const claim = await claimCandidate(
      claims,
      { name: 'customers.csv', path: file, regular: true, link: false, size: 1, mtimeMs: 0 },
      'run-0001.csv',
    );
    if (!claim) throw new Error('expected a claim');
    drop(dir, 'customers.csv', 'the new upload');
    expect(await releaseClaim(claim, STAMP)).to.deep.equal({
      name: `customers (recovered ${STAMP}).csv`,
      renamedFrom: 'customers.csv',
    });
    expect(readFileSync(path.join(dir, 'customers.csv'), 'utf8')).to.equal('the new upload');
    expect(readFileSync(path.join(dir, `customers (recovered ${STAMP}).csv`), 'utf8')).to.equal(
      CUSTOMERS,
    );
    expect(readdirSync(path.join(dir, CLAIM_DIR))).to.deep.equal([]);
  });

  it('when a run died between linking a file back and unlinking its claim, then recovery leaves one file, not two', async () => {
    const dir = inbox(tempHome());
    const claims = await claimFolder(dir);
    writeFileSync(path.join(claims.path, 'run-0001.csv'), CUSTOMERS);
    writeFileSync(
      path.join(claims.path, 'run-0001.csv.claim.json'),
      JSON.stringify({ name: 'customers.csv' }),
    );
    linkSync(path.join(claims.path, 'run-0001.csv'), path.join(dir, 'customers.csv'));
    expect(await recoverClaims(claims, STAMP)).to.deep.include({ restored: 1, renamed: [] });
    expect(readdirSync(dir).sort()).to.deep.equal([CLAIM_DIR, 'customers.csv']);
    expect(lstatSync(path.join(dir, 'customers.csv')).nlink).to.equal(1);
    expect(readdirSync(claims.path)).to.deep.equal([]);
  });

  it('when the claim folder holds a link and a folder the program never puts there, then the link is removed (its target untouched) and the folder is reported', async () => {
    const home = tempHome();
    const dir = inbox(home);
    const claims = await claimFolder(dir);
    const target = drop(home, 'target.csv', CUSTOMERS);
    symlinkSync(target, path.join(claims.path, 'run-0001.csv'));
    mkdirSync(path.join(claims.path, 'stuff'));
    expect(await recoverClaims(claims, STAMP)).to.deep.equal({
      restored: 0,
      renamed: [],
      links: 1,
      folders: ['stuff'],
    });
    expect(readdirSync(claims.path)).to.deep.equal(['stuff']);
    expect(readFileSync(target, 'utf8')).to.equal(CUSTOMERS);
    expect(readdirSync(dir).sort()).to.deep.equal([CLAIM_DIR]);
  });

  it("when the claim folder was replaced by a link to another partner's inbox, then recovery refuses and moves nothing", async () => {
    const home = tempHome();
    const dir = inbox(home);
    const other = inbox(home, 'other');
    drop(other, 'theirs.csv', CUSTOMERS);
    const claims = await claimFolder(dir);
    renameSync(claims.path, path.join(dir, '.old-claims'));
    symlinkSync('../other', path.join(dir, CLAIM_DIR));
    let refused: unknown = null;
    await recoverClaims(claims, STAMP).catch((err: unknown) => (refused = err));
    expect(refused).to.be.instanceOf(PartnerFolderFault);
    expect(readdirSync(other)).to.deep.equal(['theirs.csv']);
    expect(readdirSync(dir).sort()).to.deep.equal(['.old-claims', CLAIM_DIR]);
  });

  it('when a link is to be archived or quarantined, then it is removed instead and nothing is stored', async () => {
    const home = tempHome();
    const target = drop(home, 'target.csv', CUSTOMERS);
    const link = path.join(home, 'link.csv');
    symlinkSync(target, link);
    expect(await moveInto(home, 'quarantine', 'acme', link, 'run-0001.csv')).to.equal(null);
    expect(existsSync(link)).to.equal(false);
    expect(readdirSync(path.join(home, 'quarantine', 'acme'))).to.deep.equal([]);
    expect(readFileSync(target, 'utf8')).to.equal(CUSTOMERS);
  });

  describe('across file systems', () => {
    let small: SmallFs | null = null;
    afterEach(() => {
      small?.unmount();
      small = null;
    });

    it('when the copy to another file system fails for a full disk, then no partial copy is left and the original stays', async () => {
      const home = tempHome();
      small = mountSmallFs(path.join(home, 'archive'), 64);
      const file = drop(home, 'big.csv', 'x'.repeat(200_000));
      let failed: unknown = null;
      await moveInto(home, 'archive', 'acme', file, 'run-0001.csv').catch(
        (err: unknown) => (failed = err),
      );
      expect((failed as NodeJS.ErrnoException | null)?.code).to.equal('ENOSPC');
      expect(readdirSync(path.join(home, 'archive', 'acme'))).to.deep.equal([]);
      expect(readFileSync(file, 'utf8')).to.have.length(200_000);
    });
  });
});

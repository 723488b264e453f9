// Issue #16, case 6: links inside the inbox. A partner who can create files can create links
// too, under any name, including the names the program uses itself (.rtm-claims). No link is
// followed, moved into quarantine/ or archive/, or allowed to carry one partner's file into
// another partner's folder.
import { expect } from 'chai';
import { chownSync, lstatSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { CLAIM_DIR } from '../../src/ingest/pickup.ts';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';
import { cliLedger } from '../support/db.ts';
import { CUSTOMERS_HEADER, dropFile as drop, listing } from '../support/sheets.ts';

const sheet = (id: string) =>
  `${CUSTOMERS_HEADER}${id},${id} Co,it@${id}.example,1 Main Street,Austin,TX,78701,US,webex_meetings,P1\n`;

async function importJson(home: string, args: string[] = []): Promise<Summary> {
  const res = await runCli(['import', '--json', ...args], { home });
  expect([0, 1], res.stderr).to.include(res.code);
  const s = JSON.parse(res.stdout) as Summary;
  expect(validateSummary(s)).to.deep.equal([]);
  return s;
}

describe('ingest: links in the inbox (issue 16, case 6)', function () {
  this.timeout(60_000);

  it("when zeta's .rtm-claims is a link to alpha's folder, then zeta is skipped with a reason, its file stays where it is, and its rows never become alpha's", async () => {
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    const alpha = path.join(home, 'inbox', 'alpha');
    const zeta = path.join(home, 'inbox', 'zeta');
    drop(alpha, 'alpha.csv', sheet('alpha-1'));
    drop(zeta, 'zeta.csv', sheet('zeta-1'));
    symlinkSync('../alpha', path.join(zeta, CLAIM_DIR));

    // zeta alone first: alpha's folder is left exactly as it was.
    const first = await importJson(home, ['--partner', 'zeta']);
    expect(first.exitCode).to.equal(1);
    expect(first.files).to.deep.equal([]);
    expect(first.attention.map((a) => [a.kind, a.partner])).to.deep.equal([
      ['partner_folder', 'zeta'],
    ]);
    expect(first.attention[0]?.message).to.contain('inbox/zeta/.rtm-claims is a link');
    expect(listing(alpha)).to.deep.equal(['alpha.csv']);
    expect(readFileSync(path.join(alpha, 'alpha.csv'), 'utf8')).to.equal(sheet('alpha-1'));
    expect(listing(zeta)).to.deep.equal([CLAIM_DIR, 'zeta.csv']);
    expect(lstatSync(path.join(zeta, CLAIM_DIR)).isSymbolicLink()).to.equal(true);
    const reasons = listing(path.join(home, 'quarantine', 'zeta'));
    expect(reasons).to.have.length(1);
    expect(reasons[0]).to.match(/\.reason\.txt$/);
    expect(
      readFileSync(path.join(home, 'quarantine', 'zeta', reasons[0] as string), 'utf8'),
    ).to.contain('inbox/zeta/.rtm-claims is a link');

    // Every partner: alpha is imported as alpha, with alpha's rows only; zeta is skipped again.
    const all = await importJson(home);
    expect(all.files.map((f) => [f.partner, f.name, f.status])).to.deep.equal([
      ['alpha', 'alpha.csv', 'processed'],
    ]);
    expect(all.attention.map((a) => [a.kind, a.partner])).to.deep.equal([
      ['partner_folder', 'zeta'],
    ]);
    expect(listing(zeta)).to.deep.equal([CLAIM_DIR, 'zeta.csv']);
    const ledger = await cliLedger('sqlite', home);
    try {
      const rows = (await ledger.open()('customers').select('partner_id', 'external_id')) as {
        partner_id: string;
        external_id: string;
      }[];
      expect(rows).to.deep.equal([{ partner_id: 'alpha', external_id: 'alpha-1' }]);
    } finally {
      await ledger.close();
    }
  });

  it('when .rtm-claims belongs to another user, then the partner is skipped with a reason and the others are imported', async () => {
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    const aaa = path.join(home, 'inbox', 'aaa');
    drop(aaa, 'a.csv', sheet('aaa-1'));
    mkdirSync(path.join(aaa, CLAIM_DIR));
    chownSync(path.join(aaa, CLAIM_DIR), 4242, 4242);
    drop(path.join(home, 'inbox', 'zzz'), 'z.csv', sheet('zzz-1'));
    const s = await importJson(home);
    expect(s.files.map((f) => [f.partner, f.status])).to.deep.equal([['zzz', 'processed']]);
    expect(s.attention.map((a) => [a.kind, a.partner])).to.deep.equal([['partner_folder', 'aaa']]);
    expect(s.attention[0]?.message).to.contain('inbox/aaa/.rtm-claims belongs to another user');
    expect(listing(aaa)).to.deep.equal([CLAIM_DIR, 'a.csv']);
  });

  it('when a partner folder is itself a link, then it is not followed: skipped with a reason, its target untouched', async () => {
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    const elsewhere = path.join(home, 'elsewhere');
    drop(elsewhere, 'other.csv', sheet('other-1'));
    mkdirSync(path.join(home, 'inbox'), { recursive: true });
    symlinkSync(elsewhere, path.join(home, 'inbox', 'zeta'));
    drop(path.join(home, 'inbox', 'alpha'), 'alpha.csv', sheet('alpha-1'));
    const s = await importJson(home);
    expect(s.exitCode).to.equal(1);
    expect(s.files.map((f) => [f.partner, f.status])).to.deep.equal([['alpha', 'processed']]);
    expect(s.attention.map((a) => [a.kind, a.partner])).to.deep.equal([['partner_folder', 'zeta']]);
    expect(s.attention[0]?.message).to.contain('inbox/zeta is a link');
    expect(listing(elsewhere)).to.deep.equal(['other.csv']);
    expect(lstatSync(path.join(home, 'inbox', 'zeta')).isSymbolicLink()).to.equal(true);
  });

  it('when a link is dropped as a file, then the link itself is removed, its target is untouched, the reason is recorded and nothing is stored', async () => {
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    const inbox = path.join(home, 'inbox', 'acme');
    const secret = drop(home, 'secret.csv', sheet('secret-1'));
    mkdirSync(inbox, { recursive: true });
    symlinkSync(secret, path.join(inbox, 'link.csv'));
    drop(inbox, 'good.csv', sheet('good-1'));
    const s = await importJson(home);
    expect(s.files.map((f) => [f.name, f.status, f.code]).sort()).to.deep.equal([
      ['good.csv', 'processed', null],
      ['link.csv', 'quarantined', 'FILE_NOT_REGULAR'],
    ]);
    expect(s.files.find((f) => f.name === 'link.csv')?.message).to.match(/link.*removed/);
    expect(listing(inbox)).to.deep.equal([CLAIM_DIR]);
    expect(listing(path.join(inbox, CLAIM_DIR))).to.deep.equal([]);
    expect(readFileSync(secret, 'utf8')).to.equal(sheet('secret-1'));
    const quarantine = listing(path.join(home, 'quarantine', 'acme'));
    expect(quarantine).to.have.length(1);
    expect(quarantine[0]).to.match(/\.reason\.txt$/);
    const reason = readFileSync(
      path.join(home, 'quarantine', 'acme', quarantine[0] as string),
      'utf8',
    );
    expect(reason).to.match(/^FILE_NOT_REGULAR: /);
    expect(reason).to.contain('file: "link.csv"');
    for (const area of ['archive', 'quarantine'])
      for (const name of listing(path.join(home, area, 'acme')))
        expect(lstatSync(path.join(home, area, 'acme', name)).isSymbolicLink(), name).to.equal(
          false,
        );
  });
});

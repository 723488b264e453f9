// Issue #16, case 9: one partner must never stop the others. Each fault here made the whole run
// exit 3 every night, leaving every other partner's files unread; now it is that partner's (or
// that file's) problem, reported, and partner zzz's file is imported in the same run.
import { expect } from 'chai';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLAIM_DIR } from '../../src/ingest/pickup.ts';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';
import { CUSTOMERS_HEADER, dropFile as drop, listing } from '../support/sheets.ts';

const sheet = (id: string) =>
  `${CUSTOMERS_HEADER}${id},${id} Co,it@${id}.example,1 Main Street,Austin,TX,78701,US,webex_meetings,P1\n`;

/** A workspace with partner aaa (set up by the case) and partner zzz, whose file must be imported. */
function workspace(): { home: string; aaa: string } {
  const home = tempHome();
  writeConfig(home, { inbox: { stableSeconds: 0 } });
  drop(path.join(home, 'inbox', 'zzz'), 'z.csv', sheet('zzz-1'));
  return { home, aaa: path.join(home, 'inbox', 'aaa') };
}

async function importJson(home: string): Promise<Summary> {
  const res = await runCli(['import', '--json'], { home });
  expect(res.code, res.stderr).to.equal(1);
  const s = JSON.parse(res.stdout) as Summary;
  expect(validateSummary(s)).to.deep.equal([]);
  expect(s.status).to.equal('attention');
  const zzz = s.files.filter((f) => f.partner === 'zzz').map((f) => [f.name, f.status]);
  expect(zzz, 'the other partner').to.deep.equal([['z.csv', 'processed']]);
  return s;
}

describe('ingest: one partner never stops the others (issue 16, case 9)', function () {
  this.timeout(60_000);

  it('when a regular file is named .rtm-claims, then that partner is skipped with a reason and the others are imported', async () => {
    const { home, aaa } = workspace();
    drop(aaa, 'a.csv', sheet('aaa-1'));
    writeFileSync(path.join(aaa, CLAIM_DIR), 'planted');
    const s = await importJson(home);
    expect(s.files.filter((f) => f.partner === 'aaa')).to.deep.equal([]);
    expect(s.attention.map((a) => [a.kind, a.partner])).to.deep.equal([['partner_folder', 'aaa']]);
    expect(s.attention[0]?.message).to.contain('inbox/aaa/.rtm-claims is not a folder');
    expect(listing(aaa)).to.deep.equal([CLAIM_DIR, 'a.csv']);
    expect(readFileSync(path.join(aaa, CLAIM_DIR), 'utf8')).to.equal('planted');
    const reasons = listing(path.join(home, 'quarantine', 'aaa'));
    expect(reasons).to.have.length(1);
    expect(reasons[0]).to.match(/\.reason\.txt$/);
  });

  it('when a file name is 80 kanji (244 bytes), then it is imported and its results file takes a shortened name that keeps the extension', async () => {
    const { home, aaa } = workspace();
    const name = `${'顧'.repeat(80)}.csv`;
    expect(Buffer.byteLength(name)).to.equal(244);
    drop(aaa, name, sheet('aaa-1'));
    const other = `${'顧'.repeat(79)}客.csv`; // the same first 79 characters: a results name of its own
    drop(aaa, other, sheet('aaa-2'));
    const res = await runCli(['import', '--json'], { home });
    expect(res.code, res.stderr).to.equal(0);
    const s = JSON.parse(res.stdout) as Summary;
    expect(s.files.map((f) => [f.partner, f.name, f.status]).sort()).to.deep.equal(
      [
        ['aaa', name, 'processed'],
        ['aaa', other, 'processed'],
        ['zzz', 'z.csv', 'processed'],
      ].sort(),
    );
    const outbox = listing(path.join(home, 'outbox', 'aaa'));
    expect(outbox).to.have.length(2);
    for (const results of outbox) {
      expect(Buffer.byteLength(results)).to.be.at.most(255 - 16);
      expect(results).to.match(/^顧+~[0-9a-f]{8}\.csv\.results\.csv$/);
      expect(readFileSync(path.join(home, 'outbox', 'aaa', results), 'utf8')).to.match(
        /\naaa-\d,.*,accepted,/,
      );
    }
  });

  it('when the partner outbox is a file, then that partner is skipped with the reason and the others are imported', async () => {
    const { home, aaa } = workspace();
    drop(aaa, 'a.csv', sheet('aaa-1'));
    mkdirSync(path.join(home, 'outbox'), { recursive: true });
    writeFileSync(path.join(home, 'outbox', 'aaa'), 'not a folder');
    const s = await importJson(home);
    expect(s.attention.map((a) => [a.kind, a.partner])).to.deep.equal([['partner_folder', 'aaa']]);
    expect(s.attention[0]?.message).to.contain('outbox/aaa');
    // Its file waits in the inbox for the next run; nothing of it was kept.
    expect(listing(aaa)).to.deep.equal([CLAIM_DIR, 'a.csv']);
    expect(listing(path.join(aaa, CLAIM_DIR))).to.deep.equal([]);
  });

  it("when a partner's outbox turns into a file before its results are refreshed after provisioning, then that partner is reported and the others' results are refreshed", async () => {
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 }, simulator: { provisioningSeconds: 0.1 } });
    const id = 'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2';
    const provisionable = (name: string) => sheet(name).replace(/,P1\n$/, `,${id}\n`);
    drop(path.join(home, 'inbox', 'aaa'), 'a.csv', provisionable('aaa-1'));
    drop(path.join(home, 'inbox', 'zzz'), 'z.csv', provisionable('zzz-1'));
    expect((await runCli(['import'], { home })).code).to.equal(0);
    rmSync(path.join(home, 'outbox', 'aaa'), { recursive: true });
    writeFileSync(path.join(home, 'outbox', 'aaa'), 'in the way');

    const res = await runCli(['provision', '--json'], { home });
    expect(res.code, res.stderr).to.equal(1);
    const s = JSON.parse(res.stdout) as Summary;
    expect(validateSummary(s)).to.deep.equal([]);
    expect(s.customers).to.include({ created: 2, failed: 0 });
    expect(s.attention.map((a) => [a.kind, a.partner])).to.deep.equal([['partner_folder', 'aaa']]);
    expect(s.attention[0]?.message).to.contain('"a.csv"');
    expect(s.attention[0]?.message).to.contain('outbox/aaa');
    const results = readFileSync(path.join(home, 'outbox', 'zzz', 'z.csv.results.csv'), 'utf8');
    expect(results).to.match(/\nzzz-1,.*,created,/);
  });
});

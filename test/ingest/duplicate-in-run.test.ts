// Issue #4: "The same bytes again → FILE_DUPLICATE, nothing processed twice", here for two files
// with the same bytes under two names in ONE run (before the fix, the second hit the unique
// index on files(partner_id, sha256) and the whole run failed with exit 3).
import { expect } from 'chai';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { runCli, tempHome } from '../support/cli.ts';

const PROVISIONING_ID = 'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2';
const GOOD_TEXT =
  'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages,Provisioning ID\r\n' +
  `hz-good-1,Good One,a@good.example,1 Main St,Austin,TX,78701,US,webex_meetings,${PROVISIONING_ID}\r\n` +
  `hz-good-2,Good Two,b@good.example,2 Main St,Austin,TX,78701,US,webex_meetings,${PROVISIONING_ID}\r\n`;

describe('ingest: the same bytes twice in one run', function () {
  this.timeout(60_000);

  it('when the same bytes come under two names in one run, then the second is FILE_DUPLICATE and the first is processed once', async () => {
    const home = tempHome();
    const dir = path.join(home, 'inbox', 'samerun');
    mkdirSync(dir, { recursive: true });
    const old = new Date(Date.now() - 3600_000);
    writeFileSync(path.join(dir, 'good.csv'), GOOD_TEXT);
    utimesSync(path.join(dir, 'good.csv'), old, old);
    writeFileSync(path.join(dir, 'copy.csv'), GOOD_TEXT);
    utimesSync(path.join(dir, 'copy.csv'), old, new Date(old.getTime() + 1000));

    const res = await runCli(['import', '--json'], { home });
    expect(res.code, res.stderr).to.equal(0);
    const s = JSON.parse(res.stdout) as Summary;
    expect(validateSummary(s)).to.deep.equal([]);
    expect(s.files.map((f) => [f.name, f.status, f.code, f.rows.total])).to.deep.equal([
      ['good.csv', 'processed', null, 2],
      ['copy.csv', 'duplicate', 'FILE_DUPLICATE', 0],
    ]);
    expect(s.rows).to.deep.equal({ total: 2, accepted: 2, rejected: 0 });
  });
});

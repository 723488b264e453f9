import { expect } from 'chai';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Summary } from '../../src/reports/index.ts';
import { hashDesired, type SubscriberDesired } from '../../src/rules/index.ts';
import { migrateDb, openDb, stageFile } from '../../src/store/index.ts';
import { runCli, tempHome } from '../support/cli.ts';
import { customerDoc, processedFile, stageCustomers } from '../support/staging.ts';

describe('provision --dry-run: a plan of 160,000 changes (issue 18, item 2)', () => {
  it('when the plan is larger than a call stack holds, then the dry run plans it all and exits as the real run would', async function () {
    this.timeout(180_000);
    const home = tempHome();
    const db = openDb({
      client: 'sqlite3',
      connection: path.join(home, 'var', 'rtm-batch.sqlite'),
    });
    const N = 160_000;
    try {
      await migrateDb(db);
      await db('runs').insert({
        id: 'stage',
        job: 'import',
        status: 'ok',
        dry_run: false,
        started_at: new Date().toISOString(),
        host: 'test',
        pid: process.pid,
      });
      await stageCustomers(db, 'acme', 'stage', [customerDoc('big-1')]);
      const docs: SubscriberDesired[] = Array.from({ length: N }, (_, i) => ({
        customerExternalId: 'big-1',
        email: `u${i}@big.example`,
        action: 'upsert',
        package: 'webex_meetings',
        isAdmin: false,
      }));
      await stageFile(
        db,
        processedFile({
          partner: 'acme',
          runId: 'stage',
          name: 'users.csv',
          sha256: createHash('sha256').update('users').digest('hex'),
        }),
        docs.map((doc, i) => ({
          sheet: '',
          row: i + 2,
          kind: 'subscriber',
          entityKey: `big-1/${doc.email}`,
          issues: [],
          desired: {
            action: 'upsert',
            hash: hashDesired(doc),
            doc,
            customerExternalId: 'big-1',
            email: doc.email,
          },
        })),
      );
    } finally {
      await db.destroy();
    }
    const res = await runCli(['provision', '--dry-run', '--json'], { home });
    expect(res.stderr).not.to.match(/Maximum call stack/);
    expect(res.code, res.stderr.slice(0, 500)).to.equal(0);
    const s = JSON.parse(res.stdout) as Summary;
    // The customer and every user that waits for it are to be created.
    expect(s.plan).to.deep.equal({ create: N + 1, update: 0, delete: 0, unchanged: 0 });
  });
});

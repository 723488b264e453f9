import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hashDesired, type SubscriberDesired } from '../../src/rules/index.ts';
import { migrateDb, openDb, stageFile } from '../../src/store/index.ts';
import { startCli } from './cli.ts';
import { customerDoc, processedFile, stageCustomers } from './staging.ts';

/** Stages one customer and `n` users of it for partner acme, as an import of two files would. */
export async function stageLargePlan(home: string, n: number): Promise<void> {
  const db = openDb({ client: 'sqlite3', connection: path.join(home, 'var', 'rtm-batch.sqlite') });
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
    const docs: SubscriberDesired[] = Array.from({ length: n }, (_, i) => ({
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
}

/** Runs the command and reads its peak RSS (VmHWM) from /proc while it runs. */
export function runMeasured(args: string[], home: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; peakMB: number }>(
    (resolve, reject) => {
      const child = startCli(args, { home });
      let stdout = '';
      let stderr = '';
      let peakKB = 0;
      const sample = () => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) peakKB = Math.max(peakKB, Number(m[1]));
        } catch {
          // gone already: the last sample stands
        }
      };
      const timer = setInterval(sample, 50);
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        sample();
      });
      child.on('error', reject);
      child.on('close', (code) => {
        clearInterval(timer);
        resolve({ code, stdout, stderr, peakMB: peakKB / 1024 });
      });
    },
  );
}

import { createHash } from 'node:crypto';
import { hashDesired, type CustomerDesired } from '../../src/rules/index.ts';
import { ensurePartner, stageFile, type Db, type FileRecord } from '../../src/store/index.ts';

/** A processed CSV file's record as staging takes it; `over` sets what a test cares about. */
export function processedFile(over: Partial<FileRecord> = {}): FileRecord {
  return {
    partner: 'acme',
    runId: 'run-1',
    name: 'customers.csv',
    sha256: 'a'.repeat(64),
    size: 1,
    format: 'csv',
    encoding: 'utf-8',
    status: 'processed',
    code: null,
    message: null,
    storedPath: null,
    duplicateOf: null,
    details: null,
    now: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

/** A desired customer that every rule accepts (Meetings only, US address). */
export function customerDoc(externalId: string): CustomerDesired {
  return {
    externalId,
    action: 'upsert',
    provisioningId: 'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2',
    name: `Customer ${externalId}`,
    primaryEmail: `admin@${externalId}.example`,
    address: {
      addressLine1: '1 Main St',
      city: 'Austin',
      stateOrProvince: 'TX',
      zipOrPostalCode: '78701',
      country: 'US',
    },
    packages: ['webex_meetings'],
    limits: {},
  };
}

/** Stages accepted customer rows for a partner as one processed file would, straight into the ledger. */
export async function stageCustomers(
  db: Db,
  partner: string,
  runId: string,
  docs: CustomerDesired[],
): Promise<void> {
  const now = new Date().toISOString();
  await ensurePartner(db, partner, 'en', now);
  const sha256 = createHash('sha256')
    .update(`${partner}:${docs.map((d) => d.externalId).join(',')}`)
    .digest('hex');
  await stageFile(
    db,
    processedFile({ partner, runId, sha256, now }),
    docs.map((doc, i) => ({
      sheet: '',
      row: i + 2,
      kind: 'customer',
      entityKey: doc.externalId,
      issues: [],
      desired: { action: 'upsert', hash: hashDesired(doc), doc },
    })),
  );
}

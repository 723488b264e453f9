import type { Db } from './db.ts';

/**
 * Writes a consistent copy of the SQLite ledger to `file` with `VACUUM INTO`: one read
 * transaction, so a run writing meanwhile (WAL) is neither stopped nor half copied. The file must
 * not exist yet (SQLite refuses to overwrite).
 */
export async function backupSqliteInto(db: Db, file: string): Promise<void> {
  await db.raw('VACUUM INTO ?', [file]);
}

import type { Tx } from './db.ts';
import { toSubscriberRow, type SubscriberRow } from './ledger.ts';

/** Rows per page when the ledger's subscribers are read for reconciliation: bounded memory at any size. */
export const RECONCILE_PAGE_ROWS = 2000;

/**
 * The subscribers of some partners in (partner, customer external id, email) order, a page at a
 * time, by keyset on the unique index (no OFFSET, no cursor held open between pages), so that
 * reconciling a million subscribers holds one page and one customer's rows, never all of them.
 * One partner at a time: `partner_id = ? AND (customer, email) > (?, ?)` is a range of the index,
 * where a row value over all three columns made SQLite scan the partner again for every page.
 */
export async function* readSubscriberPages(
  db: Tx,
  partners: readonly string[],
  pageRows = RECONCILE_PAGE_ROWS,
): AsyncGenerator<SubscriberRow[]> {
  for (const partner of [...new Set(partners)].sort()) {
    let after: [string, string] | null = null;
    for (;;) {
      const query = db('subscribers')
        .where('partner_id', partner)
        .orderBy([{ column: 'customer_external_id' }, { column: 'email' }])
        .limit(pageRows);
      if (after) query.whereRaw('(customer_external_id, email) > (?, ?)', after);
      const rows = (await query) as Record<string, unknown>[];
      if (rows.length > 0) yield rows.map(toSubscriberRow);
      if (rows.length < pageRows) break;
      const last = rows[rows.length - 1] as Record<string, unknown>;
      after = [last.customer_external_id as string, last.email as string];
    }
  }
}

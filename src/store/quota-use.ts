import type { Tx } from './db.ts';

/** One customer's package: its limit and how many of its subscribers hold it (R-PKG-3). */
export interface QuotaUseRow {
  partner: string;
  customer: string;
  package: string;
  limit: number;
  assigned: number;
}

/**
 * Quota use as the ledger sees it, for the given partners: each customer's package limits (its
 * desired doc) against its subscribers holding that package. Subscribers are counted in SQL, never
 * loaded; customers without limits are left out.
 */
export async function readQuotaUse(db: Tx, partners: readonly string[]): Promise<QuotaUseRow[]> {
  if (partners.length === 0) return [];
  const client = (db as unknown as { client: { dialect: string } }).client.dialect;
  const pkg =
    client === 'sqlite3' ? "json_extract(desired, '$.package')" : "(desired::jsonb ->> 'package')";
  const counts = (await db('subscribers')
    .whereIn('partner_id', partners)
    .where({ desired_action: 'upsert' })
    .groupBy('partner_id', 'customer_external_id', db.raw(pkg))
    .select('partner_id', 'customer_external_id', db.raw(`${pkg} as package`))
    .count({ n: '*' })) as {
    partner_id: string;
    customer_external_id: string;
    package: string | null;
    n: number | string;
  }[];
  const assigned = new Map<string, number>();
  for (const c of counts)
    if (c.package !== null)
      assigned.set(`${c.partner_id}\u0000${c.customer_external_id}\u0000${c.package}`, Number(c.n));
  const customers = (await db('customers')
    .whereIn('partner_id', partners)
    .where({ desired_action: 'upsert' })
    .orderBy('id')
    .select('partner_id', 'external_id', 'desired')) as {
    partner_id: string;
    external_id: string;
    desired: string;
  }[];
  const rows: QuotaUseRow[] = [];
  for (const c of customers) {
    const limits = (JSON.parse(c.desired) as { limits?: Record<string, number> }).limits ?? {};
    for (const [name, limit] of Object.entries(limits))
      rows.push({
        partner: c.partner_id,
        customer: c.external_id,
        package: name,
        limit,
        assigned: assigned.get(`${c.partner_id}\u0000${c.external_id}\u0000${name}`) ?? 0,
      });
  }
  return rows;
}

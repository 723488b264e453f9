import type { CustomerRow, SubscriberRow } from '../store/index.ts';

/**
 * What a dry run's import accepted but did not stage (a dry run writes nothing), as staging would
 * have written it (doc = the `desired` JSON): `runImport` returns it, the planner lays it over the
 * ledger.
 */
export interface DryRunDesired {
  customers: {
    partnerId: string;
    externalId: string;
    desired: unknown;
    desiredHash: string;
    desiredAction: 'upsert' | 'delete';
    sourceRowId?: number | null;
  }[];
  subscribers: {
    partnerId: string;
    customerExternalId: string;
    /** Lower case, as staged. */
    email: string;
    desired: unknown;
    desiredHash: string;
    desiredAction: 'upsert' | 'delete';
    sourceRowId?: number | null;
  }[];
}

/**
 * The ledger with a dry run's desired documents laid over it, as if the import had staged them:
 * a known customer or subscriber takes the new desired state and keeps what Webex last said; a new
 * one has no Webex state. Pure; the ids of new rows are negative so they never meet a ledger id.
 */
export function overlayDesired(
  partner: string,
  customers: CustomerRow[],
  subscribers: SubscriberRow[],
  desired: DryRunDesired,
): { customers: CustomerRow[]; subscribers: SubscriberRow[] } {
  let nextId = -1;
  const byExternalId = new Map(customers.map((c) => [c.externalId, c]));
  for (const d of desired.customers) {
    if (d.partnerId !== partner) continue;
    const known = byExternalId.get(d.externalId);
    const fields = {
      desired: d.desired,
      desiredHash: d.desiredHash,
      desiredAction: d.desiredAction,
      sourceRowId: d.sourceRowId ?? known?.sourceRowId ?? null,
    };
    byExternalId.set(
      d.externalId,
      known
        ? { ...known, ...fields }
        : {
            id: nextId--,
            partnerId: partner,
            externalId: d.externalId,
            ...fields,
            webexId: null,
            webexStatus: null,
            webexOrgId: null,
            appliedHash: null,
          },
    );
  }
  const subKey = (customerExternalId: string, email: string) =>
    `${customerExternalId}\u0000${email.toLowerCase()}`;
  const byKey = new Map(subscribers.map((s) => [subKey(s.customerExternalId, s.email), s]));
  for (const d of desired.subscribers) {
    if (d.partnerId !== partner) continue;
    const key = subKey(d.customerExternalId, d.email);
    const known = byKey.get(key);
    const fields = {
      desired: d.desired,
      desiredHash: d.desiredHash,
      desiredAction: d.desiredAction,
      sourceRowId: d.sourceRowId ?? known?.sourceRowId ?? null,
    };
    byKey.set(
      key,
      known
        ? { ...known, ...fields }
        : {
            id: nextId--,
            partnerId: partner,
            customerExternalId: d.customerExternalId,
            email: d.email.toLowerCase(),
            ...fields,
            webexId: null,
            webexCustomerId: null,
            webexStatus: null,
            appliedHash: null,
          },
    );
  }
  return { customers: [...byExternalId.values()], subscribers: [...byKey.values()] };
}

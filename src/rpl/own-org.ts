/**
 * R-SELF-1: the partner's own organization may show in its customer list; it is never deprovisioned.
 * It is known by `partners.<id>.orgId` (contract §2). The API shows a customer's `orgId` only once
 * provisioned, so the ledger's last known org id and an org the sheet attached count too. Without a
 * configured org id, a customer attached to an existing org cannot be told apart from the partner's
 * own and is left alone as well. Pure: returns why the customer must not be touched, or null.
 */
export function ownOrgConflict(
  customer: { webexOrgId: string | null; desiredOrgId: string | null },
  liveOrgId: string | null,
  partnerOrgId: string | undefined,
): string | null {
  const known = [customer.webexOrgId, customer.desiredOrgId, liveOrgId].filter(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  if (partnerOrgId) {
    return known.includes(partnerOrgId)
      ? `its org ${partnerOrgId} is the partner's own organization (partners.<id>.orgId, R-SELF-1)`
      : null;
  }
  return customer.desiredOrgId
    ? `it is attached to an existing org (${customer.desiredOrgId}) and the partner's own org id is not configured (set partners.<id>.orgId, R-SELF-1)`
    : null;
}

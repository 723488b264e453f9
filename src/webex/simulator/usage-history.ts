// What billing reports are generated from: each subscriber's packages over time. A live subscriber's
// current span starts at `packagesSinceMs` (or its creation); a change or removal closes it here.
import type { CustomerRecord, SimulatorState, SubscriberRecord } from './state.ts';

/** Closes the subscriber's current span of packages at `nowMs` (a package change or its removal). */
export function closeUsageSpan(
  state: SimulatorState,
  s: SubscriberRecord,
  customer: CustomerRecord | undefined,
  nowMs: number,
): void {
  const fromMs = s.packagesSinceMs ?? s.createdMs;
  if (nowMs <= fromMs) return;
  state.closedUsage.push({
    subscriberId: s.id,
    email: s.email,
    packages: [...s.packages],
    customerId: s.customerId,
    customerOrgId: customer?.orgId ?? '',
    customerExternalId: customer?.externalId ?? '',
    customerName: customer?.customerInfo?.name ?? customer?.externalId ?? '',
    fromMs,
    toMs: nowMs,
  });
}

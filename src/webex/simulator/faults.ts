/** What to do to a request instead of (or after) answering it normally. */
export type FaultPlan =
  { kind: 'none' } | { kind: 'status'; status: 500 | 502 | 503 } | { kind: 'cut' };

/** How injected faults are shared out. */
export const FAULT_POLICY = {
  /** Share of faults on changing requests that commit the change, then drop the connection. */
  cutShare: 1 / 3,
  statuses: [500, 502, 503] as const,
} as const;

/** The fault for one request, from `faultRate` and a source of uniform draws in [0, 1). */
export function planFault(method: string, faultRate: number, draw: () => number): FaultPlan {
  if (faultRate <= 0 || draw() >= faultRate) return { kind: 'none' };
  // Only a change can be "done but unanswered": that is the case a client must not blindly re-send.
  const changes = method === 'POST' || method === 'PUT' || method === 'DELETE';
  if (changes && draw() < FAULT_POLICY.cutShare) return { kind: 'cut' };
  const i = Math.min(
    FAULT_POLICY.statuses.length - 1,
    Math.floor(draw() * FAULT_POLICY.statuses.length),
  );
  return { kind: 'status', status: FAULT_POLICY.statuses[i] as 500 | 502 | 503 };
}

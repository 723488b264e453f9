// Open RPL checks for the pure RPL tests: one opened at OPENED, with what a test changes.
import type { OpenRplCheck } from '../../src/store/index.ts';

export const OPENED = '2026-03-01T00:00:00.000Z';
export const MIN = 60_000;
export const DAY = 24 * 60 * MIN;
/** The instant `ms` after the check was opened. */
export const at = (ms: number) => new Date(Date.parse(OPENED) + ms);

export function openCheck(over: Partial<OpenRplCheck> = {}): OpenRplCheck {
  return {
    checkId: 1,
    partner: 'acme',
    customerId: 1,
    externalId: 'c-1',
    customerName: 'Customer c-1',
    webexId: 'W1',
    webexOrgId: null,
    desiredOrgId: null,
    trigger: 'create',
    openedAt: OPENED,
    lastStatus: 'pending_rpl_review',
    lastPolledAt: OPENED,
    nextPollAt: null,
    attempts: 0,
    unreachableAttempts: 0,
    lastAttemptAt: null,
    ...over,
  };
}

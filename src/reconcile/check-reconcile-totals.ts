import type { ReconcileCounts, ReconcileLine } from '../reports/index.ts';

/** What one view's reconciliation read and wrote, to check that every record is on exactly one line. */
export interface ReconcileTotals {
  /** Ledger customers and subscribers read, of the reported partners. */
  ledger: number;
  /** Customers and subscribers Webex listed; null when the view has unreported partners (their records have no line). */
  webex: number | null;
  counts: ReconcileCounts;
  /** Lines of a ledger entry that Webex lists (in sync, drifted or parked with a Webex record). */
  ledgerWithWebex: number;
}

/** Adds a line to the totals. */
export function countLine(totals: ReconcileTotals, line: ReconcileLine): void {
  totals.counts[line.category] += 1;
  const fromLedger = line.category !== 'orphansInWebex' && line.category !== 'partnerOwnOrg';
  // A line carries Webex's status exactly when Webex listed its record.
  if (fromLedger && line.status !== null) totals.ledgerWithWebex += 1;
}

/**
 * Why the totals do not add up, or null when they do: every ledger entry is in sync, drifted,
 * missing or parked; every Webex record is one of a ledger entry's (in sync, drifted, parked),
 * an orphan or the partner's own org. In sync "deleted" and parked "customer in progress" are
 * ledger entries with no Webex record, so the Webex side counts ledger lines that have one. Pure.
 */
export function checkReconcileTotals(t: ReconcileTotals): string | null {
  const c = t.counts;
  const desired = c.inSync + c.drifted + c.missingInWebex + c.parked;
  if (desired !== t.ledger) {
    return `reconciliation does not add up: the ledger holds ${t.ledger} customer(s) and subscriber(s), the lines account for ${desired} (in sync ${c.inSync} + drifted ${c.drifted} + missing ${c.missingInWebex} + parked ${c.parked})`;
  }
  if (t.webex === null) return null;
  const listed = t.ledgerWithWebex + c.orphansInWebex + c.partnerOwnOrg;
  if (listed !== t.webex) {
    return `reconciliation does not add up: Webex listed ${t.webex} customer(s) and subscriber(s), the lines account for ${listed} (ledger entries Webex lists ${t.ledgerWithWebex} + orphans ${c.orphansInWebex} + own org ${c.partnerOwnOrg})`;
  }
  return null;
}

/** Empty totals. */
export function emptyReconcileTotals(webexKnown: boolean): ReconcileTotals {
  return {
    ledger: 0,
    webex: webexKnown ? 0 : null,
    counts: {
      inSync: 0,
      drifted: 0,
      missingInWebex: 0,
      orphansInWebex: 0,
      parked: 0,
      partnerOwnOrg: 0,
    },
    ledgerWithWebex: 0,
  };
}

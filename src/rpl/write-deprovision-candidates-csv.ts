import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Locale } from '../config/index.ts';
import { writeReportCsv } from '../reports/index.ts';
import { rplLabelsFor } from '../reports/index.ts';
import type { DeprovisionCandidate } from './candidates.ts';

/** The file name of contract §6. */
export const DEPROVISION_CANDIDATES_CSV = 'deprovision-candidates.csv';

/** The records of deprovision-candidates.csv, localized header first. Pure. */
export function planDeprovisionCandidatesCsv(
  candidates: readonly DeprovisionCandidate[],
  locale: Locale,
): string[][] {
  const l = rplLabelsFor(locale);
  const header = [
    l.partner,
    l.customer,
    l.customerName,
    l.webexId,
    l.reason,
    l.trigger,
    l.openedAt,
    l.ageDays,
    l.ageMinutes,
    l.attempts,
    l.unreachable,
    l.lastStatus,
    l.users,
    l.userEmails,
  ];
  const rows = candidates.map((c) => [
    c.partner,
    c.externalId,
    c.customerName ?? '',
    c.webexId ?? '',
    c.reasons.map((r) => l.reasonName[r] ?? r).join('; '),
    l.triggerName[c.trigger] ?? c.trigger,
    c.openedAt,
    String(c.ageDays),
    String(c.ageMinutes),
    String(c.attempts),
    String(c.unreachableAttempts),
    c.lastStatus ?? '',
    String(c.users.length),
    c.users.map((u) => u.email).join('; '),
  ]);
  return [header, ...rows];
}

/**
 * Writes `<dir>/deprovision-candidates.csv` for ops: localized header, BOM, formulas neutralised
 * (partner text such as a customer name never runs in a spreadsheet). Returns the file's path.
 */
export async function writeDeprovisionCandidatesCsv(
  dir: string,
  candidates: readonly DeprovisionCandidate[],
  locale: Locale,
  fileName: string = DEPROVISION_CANDIDATES_CSV,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, fileName);
  await writeReportCsv(target, planDeprovisionCandidatesCsv(candidates, locale));
  return target;
}

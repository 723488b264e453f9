import { access } from 'node:fs/promises';
import path from 'node:path';
import type { PartnerChangeCount, QuotaUseLine, ResultsFileLink } from '../reports/index.ts';
import { resultsFileName } from '../results/index.ts';
import {
  countRunChangesByPartner,
  readQuotaUse,
  readRunProcessedFiles,
  type Db,
} from '../store/index.ts';

/**
 * What report.html shows per partner beyond the summary: the changes the run staged by outcome,
 * the results files of the files it processed that are in outbox/<partner>/ now, and the quota
 * use (R-PKG-3) of the partners whose files it read.
 */
export async function readPartnerReport(
  db: Db,
  home: string,
  runId: string,
): Promise<{
  partnerChanges: PartnerChangeCount[];
  resultsFiles: ResultsFileLink[];
  quotaUse: QuotaUseLine[];
}> {
  const partnerChanges = await countRunChangesByPartner(db, runId);
  const resultsFiles: ResultsFileLink[] = [];
  const processed = await readRunProcessedFiles(db, runId);
  for (const f of processed) {
    if (f.format === null) continue;
    const name = resultsFileName(f.name, f.storedPath, f.format);
    const there = await access(path.join(home, 'outbox', f.partner, name)).then(
      () => true,
      () => false,
    );
    if (there) resultsFiles.push({ partner: f.partner, source: f.name, name });
  }
  const quotaUse = await readQuotaUse(db, [...new Set(processed.map((f) => f.partner))]);
  return { partnerChanges, resultsFiles, quotaUse };
}

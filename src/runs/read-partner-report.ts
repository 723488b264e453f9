import { access } from 'node:fs/promises';
import path from 'node:path';
import type { PartnerChangeCount, ResultsFileLink } from '../reports/index.ts';
import { resultsFileName } from '../results/index.ts';
import { countRunChangesByPartner, readRunProcessedFiles, type Db } from '../store/index.ts';

/**
 * What report.html shows per partner beyond the summary: the changes the run staged by outcome,
 * and the results files of the files it processed that are in outbox/<partner>/ now.
 */
export async function readPartnerReport(
  db: Db,
  home: string,
  runId: string,
): Promise<{ partnerChanges: PartnerChangeCount[]; resultsFiles: ResultsFileLink[] }> {
  const partnerChanges = await countRunChangesByPartner(db, runId);
  const resultsFiles: ResultsFileLink[] = [];
  for (const f of await readRunProcessedFiles(db, runId)) {
    if (f.format === null) continue;
    const name = resultsFileName(f.name, f.storedPath, f.format);
    const there = await access(path.join(home, 'outbox', f.partner, name)).then(
      () => true,
      () => false,
    );
    if (there) resultsFiles.push({ partner: f.partner, source: f.name, name });
  }
  return { partnerChanges, resultsFiles };
}

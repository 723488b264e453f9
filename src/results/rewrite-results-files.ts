import { addAttention } from '../reports/index.ts';
import type { RunContext } from '../runs/index.ts';
import {
  filesWithResultsSince,
  readLaterNamesakes,
  resultsBehindSince,
  type NamedFile,
} from '../store/index.ts';
import { resultsFileName, writeResultsFiles } from './write-results-files.ts';

/**
 * Rewrites the results files of the files whose rows got a result since `startedAt`, or since an
 * earlier run that died before it could rewrite them (a kill -9 after outcomes were recorded left
 * them saying pending for ever). A file that a later upload under the same name replaced is left
 * alone: its results file's name now holds the later file's results, which an RPL review clearing
 * on an old row must not overwrite.
 */
export async function rewriteResultsFiles(ctx: RunContext, startedAt: string): Promise<void> {
  const since = await resultsBehindSince(ctx.db, ctx.runId, startedAt);
  const ids = await filesWithResultsSince(ctx.db, since);
  const named = await readLaterNamesakes(ctx.db, ids);
  const outboxName = (f: NamedFile) =>
    f.format === null ? null : resultsFileName(f.name, f.storedPath, f.format);
  const current = ids.filter((id) => {
    const entry = named.get(id);
    if (!entry) return true;
    const own = outboxName(entry.file);
    return !entry.later.some((l) => outboxName(l) === own);
  });
  for (const item of await writeResultsFiles(ctx, current)) addAttention(ctx.tally.attention, item);
}

import type { RunContext } from '../runs/context.ts';
import { AuthError, type WebexTargets } from '../webex/index.ts';
import { writeResultsFiles } from '../ingest/index.ts';
import { filesWithResultsSince } from '../store/index.ts';
import { applyProvisioning } from './apply.ts';

/** Sends every partner's staged changes; a partner whose token fails stops alone. */
export async function runProvision(ctx: RunContext, targets: WebexTargets): Promise<void> {
  const startedAt = ctx.clock.now().toISOString();
  const partners = (await ctx.db('partners').orderBy('id').pluck('id')) as string[];
  for (const partner of partners) {
    if (ctx.partnerFilter && partner !== ctx.partnerFilter) continue;
    if (ctx.signal.aborted) break;
    const target = targets.portFor(partner);
    if (!target.port) {
      ctx.tally.notes.push(target.error);
      ctx.log.error(target.error, { partner });
      continue;
    }
    try {
      const plan = await applyProvisioning(ctx, partner, target.port);
      const c = plan.customers;
      ctx.log.info(
        `planned ${c.changes.length} customer change(s), ${c.unchanged} unchanged, ${c.inFlight} in flight`,
        { partner },
      );
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      const note = `partner ${partner}: Webex refused its token; its work stopped (${err.info.description}, tracking id ${err.info.trackingId ?? 'none'})`;
      ctx.tally.notes.push(note);
      ctx.log.error(note, { partner });
    }
  }
  // Partners see what became of each row in their results files.
  if (!ctx.dryRun) await writeResultsFiles(ctx, await filesWithResultsSince(ctx.db, startedAt));
}

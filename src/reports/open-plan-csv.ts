import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { syncFile } from './write-atomically.ts';
import { once } from 'node:events';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Locale } from '../config/index.ts';
import { createCsvStringifier } from '../csv/index.ts';
import { labelsFor } from './labels.ts';
import type { PlanLine } from './report-input.ts';

/** A dry run's plan, one line per planned change, in its report folder. */
export const PLAN_FILE = 'plan.csv';

/** A dry run's plan.csv being written: a line at a time, as the planner makes them. */
export interface PlanCsv {
  /** Writes one line; resolves when the file can take more (a million lines never wait in memory). */
  write(line: PlanLine): Promise<void>;
  /** Ends the file and renames it into place; returns its path, or null when no line was written. */
  close(): Promise<string | null>;
  /** The first `sampleSize` lines, for the report's plan table. */
  readonly sample: readonly PlanLine[];
  /** How many lines were written. */
  readonly lines: number;
}

/**
 * Opens plan.csv for a dry run: the header in the report locale, then one record per planned change
 * (partner, entity, key, action), through the one CSV writer. The file is made at the first line,
 * under a temporary name until close(), like the other reports.
 */
export function openPlanCsv(target: string, locale: Locale, sampleSize: number): PlanCsv {
  const l = labelsFor(locale);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  const sample: PlanLine[] = [];
  let lines = 0;
  let open: {
    csv: ReturnType<typeof createCsvStringifier>;
    done: Promise<void>;
  } | null = null;
  const start = async () => {
    await mkdir(path.dirname(target), { recursive: true });
    const csv = createCsvStringifier({ delimiter: ',', bom: true });
    const done = pipeline(csv, createWriteStream(tmp, { flags: 'w' }));
    // A failed write surfaces through `done`; until then, keep it from being unhandled.
    done.catch(() => undefined);
    csv.write([l.partner, l.entity, l.key, l.action]);
    return { csv, done };
  };
  return {
    async write(line) {
      open ??= await start();
      lines += 1;
      if (sample.length < sampleSize) sample.push(line);
      const ok = open.csv.write([
        line.partner,
        l.entityName[line.entity] ?? line.entity,
        line.key,
        l.planAction[line.action] ?? line.action,
      ]);
      if (!ok) await Promise.race([once(open.csv, 'drain'), open.done]);
    },
    async close() {
      if (!open) return null;
      open.csv.end();
      try {
        await open.done;
        await syncFile(tmp);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      await rename(tmp, target);
      return target;
    },
    get sample() {
      return sample;
    },
    get lines() {
      return lines;
    },
  };
}

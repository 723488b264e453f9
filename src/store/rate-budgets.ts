import type { Knex } from 'knex';
import type { Db } from './db.ts';

/** Each field of a budget and its column in `rate_budgets`. */
const COLUMNS = {
  ceiling: 'ceiling',
  rate: 'rate',
  nextSlotMs: 'next_slot_ms',
  pausedUntilMs: 'paused_until_ms',
  busySinceMs: 'busy_since_ms',
  lastThrottleMs: 'last_throttle_ms',
  lastAdjustMs: 'last_adjust_ms',
  probeAfterMs: 'probe_after_ms',
  lastCeiling: 'last_ceiling',
  throttles: 'throttles',
  claimed: 'claimed',
} as const;

/**
 * A token's shared request budget (times in milliseconds on the database's clock): the fields of
 * COLUMNS, all numbers but `lastCeiling`. It is the rate limiter's `SharedBudget` (webex), which
 * the store may not import; src/runs/shared-rate.ts, which may import both, checks they agree.
 */
export type RateBudgetRow = Record<Exclude<keyof typeof COLUMNS, 'lastCeiling'>, number> & {
  lastCeiling: number | null;
};

/** A change to one budget: the new row from the current one (null: none yet) and the database's now. */
export type RateBudgetChange<T> = (
  row: RateBudgetRow | null,
  nowMs: number,
) => { row: RateBudgetRow; result: T };

/** The shared budgets of a ledger: what a process's rate limiter claims its slots through. */
export interface RateBudgetStore {
  update<T>(tokenKey: string, change: RateBudgetChange<T>): Promise<T>;
}

/**
 * The budgets in `db`. Each change runs in one transaction holding the budget's row (on
 * PostgreSQL `FOR UPDATE`, timed by the server's clock so machines whose clocks differ agree on
 * when a slot is): processes claiming at once queue on the row, and each sees the other's claim.
 */
export function rateBudgetStore(db: Db): RateBudgetStore {
  const pg = (db.client as { config: Knex.Config }).config.client === 'pg';
  const once = <T>(tokenKey: string, change: RateBudgetChange<T>) =>
    db.transaction(async (trx) => {
      const select = trx('rate_budgets')
        .select('*')
        .where({ token_key: tokenKey })
        .first<Record<string, number | string | null> | undefined>();
      if (pg) select.forUpdate();
      const [found, nowMs] = await Promise.all([
        select,
        pg
          ? trx
              .raw<{ rows: { now_ms: number }[] }>(
                'SELECT extract(epoch FROM clock_timestamp()) * 1000 AS now_ms',
              )
              .then((r) => Number(r.rows[0]?.now_ms))
          : Promise.resolve(Date.now()),
      ]);
      const current = found ? fromRow(found) : null;
      const { row, result } = change(current, nowMs);
      const values = toRow(row);
      if (current) await trx('rate_budgets').where({ token_key: tokenKey }).update(values);
      else await trx('rate_budgets').insert({ token_key: tokenKey, ...values });
      return result;
    });
  return {
    update: async (tokenKey, change) => {
      try {
        return await once(tokenKey, change);
      } catch (err) {
        // Two processes created the same budget at once: the loser claims again, on the
        // winner's row (which it now sees and locks).
        if (!isDuplicateKey(err)) throw err;
        return once(tokenKey, change);
      }
    },
  };
}

function isDuplicateKey(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT';
}

/** Every token key with a budget (for status and tests; keys are fingerprints, never tokens). */
export async function listRateBudgets(db: Db): Promise<({ tokenKey: string } & RateBudgetRow)[]> {
  const rows = await db('rate_budgets').select('*').orderBy('token_key');
  return rows.map((r: Record<string, number | string | null>) => ({
    tokenKey: String(r.token_key),
    ...fromRow(r),
  }));
}

function fromRow(r: Record<string, number | string | null>): RateBudgetRow {
  const out = {} as Record<keyof RateBudgetRow, number | null>;
  for (const [key, column] of Object.entries(COLUMNS) as [keyof RateBudgetRow, string][]) {
    const v = r[column];
    out[key] = v === null || v === undefined ? null : Number(v);
  }
  return out as unknown as RateBudgetRow;
}

function toRow(row: RateBudgetRow): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [key, column] of Object.entries(COLUMNS) as [keyof RateBudgetRow, string][])
    out[column] = row[key];
  return out;
}

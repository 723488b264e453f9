/** How many requests a token may make within how long. */
export interface RateShape {
  capacity: number;
  windowMs: number;
}

/** The window for a rate in requests per second; fractional rates widen the window instead. */
export function rateShape(perSecond: number): RateShape {
  const capacity = Math.max(1, Math.floor(perSecond));
  return { capacity, windowMs: (1000 * capacity) / perSecond };
}

/** The outcome of one request against a token's window. */
export type Admission =
  { admitted: true; hits: number[] } | { admitted: false; retryAfterMs: number };

/**
 * Admits a request at `nowMs` if fewer than `capacity` were admitted in the `windowMs` before it.
 * `hits` are the admission times, oldest first; refused requests do not count.
 */
export function admit(hits: readonly number[], nowMs: number, shape: RateShape): Admission {
  const recent = hits.filter((t) => t > nowMs - shape.windowMs);
  if (recent.length < shape.capacity) return { admitted: true, hits: [...recent, nowMs] };
  // The oldest admission in the window leaving it frees the next slot.
  const oldest = recent[recent.length - shape.capacity] as number;
  return { admitted: false, retryAfterMs: oldest + shape.windowMs - nowMs };
}

/** Retry-After in whole seconds, never 0 (a client reading 0 would retry at once and be refused again). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The program's sense of time: RTM_NOW moves it, then it runs on (contract §2). */
export interface Clock {
  now(): Date;
  nowMs(): number;
  /**
   * How many real milliseconds `ms` of this clock take: the same, but in tests whose clock runs
   * faster, where a wait for a retry due in a second of program time is a few real milliseconds.
   */
  realMs?(ms: number): number;
}

/** A clock starting at `startMs` (RTM_NOW) that then runs on in real time; the real clock when null. */
export function createClock(startMs: number | null, realNow: () => number = Date.now): Clock {
  const offset = startMs === null ? 0 : startMs - realNow();
  return {
    nowMs: () => realNow() + offset,
    now: () => new Date(realNow() + offset),
  };
}

/**
 * The wall clock every process on every machine shares: leases and claims between processes expire
 * on it, whatever RTM_NOW did to a run's own clock. Everything else reads the run's clock.
 */
export const wallClock: Clock = createClock(null);

/** A clock that moves only when told to: for tests of pure ageing rules. */
export function fixedClock(at: Date | string): Clock & { advance(ms: number): void } {
  let ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return {
    nowMs: () => ms,
    now: () => new Date(ms),
    advance: (by: number) => {
      ms += by;
    },
  };
}

/**
 * A clock that runs in real time from `at` and can be moved forward: for tests of code that waits
 * on the clock (polling) and of ageing across days in the same test.
 */
export function runningClock(at: Date | string): Clock & { advance(ms: number): void } {
  let offset = (typeof at === 'string' ? Date.parse(at) : at.getTime()) - Date.now();
  return {
    nowMs: () => Date.now() + offset,
    now: () => new Date(Date.now() + offset),
    advance: (by: number) => {
      offset += by;
    },
  };
}

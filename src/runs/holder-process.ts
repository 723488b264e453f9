import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { LeaseHolder } from '../store/index.ts';

/** Clock ticks per second in /proc/<pid>/stat (USER_HZ: 100 on every architecture Linux runs on). */
const USER_HZ = 100;
/** How far apart two readings of one start time may be (the ticks' rounding). */
const START_SLACK_MS = 2_000;

/**
 * What this host can tell of a lease holder's process: `alive` while the process that took the
 * lease still runs here, `dead` once it is gone (or its pid now belongs to a process started after
 * the lease was taken: a pid is reused, most of all after a reboot), `unknown` on another host.
 */
export function holderProcess(holder: LeaseHolder): 'alive' | 'dead' | 'unknown' {
  // Another host's process, or a run of this very process (the scheduler runs several): the
  // lease's expiry decides.
  if (holder.host !== os.hostname() || holder.pid === process.pid) return 'unknown';
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
    // EPERM: a process of another user has the pid; it cannot be ours unless started before.
  }
  const started = processStartMs(holder.pid);
  if (started !== null && started > Date.parse(holder.acquiredAt) + START_SLACK_MS) return 'dead';
  return 'alive';
}

/** When a process started (ms since the epoch), from /proc on Linux; null where /proc has no say. */
function processStartMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 counts from after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const boot = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    if (!boot || !Number.isFinite(ticks)) return null;
    return Number(boot[1]) * 1000 + (ticks * 1000) / USER_HZ;
  } catch {
    return null;
  }
}

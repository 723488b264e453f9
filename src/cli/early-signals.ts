// SIGTERM or SIGINT can reach the command before it has taken its signals: bin/rtm-batch.js loads
// this small module first and the CLI's modules after it, which takes a second or more on a busy
// machine. A signal then would end the process by default, with no summary and no exit code of
// ours (soak seed 11, night 3). Held here, it is handed to the command that takes signals, or obeyed
// when the command never takes any.

type Held = { first: NodeJS.Signals | null; keep: (signal: NodeJS.Signals) => void };

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
let held: Held | null = null;

/** Keeps SIGTERM/SIGINT from now on, until a command takes them or the process obeys them. */
export function holdEarlySignals(): void {
  if (held) return;
  const h: Held = { first: null, keep: (signal) => void (h.first ??= signal) };
  for (const s of SIGNALS) process.on(s, h.keep);
  held = h;
}

function release(): NodeJS.Signals | null {
  if (!held) return null;
  for (const s of SIGNALS) process.removeListener(s, held.keep);
  const first = held.first;
  held = null;
  return first;
}

/**
 * The command takes its own signals from here (call it after its listeners are on): returns the
 * signal that came while it started, if one did.
 */
export function takeEarlySignal(): NodeJS.Signals | null {
  return release();
}

/** When the command never took signals: one that came is obeyed now, as the default would have. */
export function obeyHeldSignal(): void {
  const first = release();
  if (first) process.kill(process.pid, first);
}

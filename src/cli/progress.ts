import cliProgress from 'cli-progress';
import type { Progress, ProgressFigures } from '../runs/progress.ts';

interface Task {
  figures: ProgressFigures;
  startedAt: number;
  bar: cliProgress.SingleBar | null;
  /** A periodic line was written: the end gets one too. */
  printed: boolean;
}

/** What a progress line says: done of total, rate, 429s, ETA; bytes for a file. Pure. */
export function describeProgress(f: ProgressFigures, elapsedMs: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const seconds = Math.max(elapsedMs / 1000, 0.001);
  const parts = [
    f.total === null ? `${n(f.done)} ${f.unit}` : `${n(f.done)}/${n(f.total)} ${f.unit}`,
  ];
  if (f.total) parts[0] += ` (${Math.floor((100 * f.done) / f.total)}%)`;
  if (f.totalBytes) parts.push(`${mb(f.bytes ?? 0)}/${mb(f.totalBytes)} MB`);
  parts.push(`${(f.done / seconds).toFixed(1)} ${f.unit}/s`);
  if (f.requests !== undefined) parts.push(`${(f.requests / seconds).toFixed(1)} req/s`);
  if (f.rateLimited !== undefined) parts.push(`${n(f.rateLimited)} 429s`);
  const eta = etaSeconds(f, seconds);
  if (eta !== null) parts.push(`ETA ${formatDuration(eta)}`);
  return parts.join(', ');
}

function etaSeconds(f: ProgressFigures, seconds: number): number | null {
  const rate = f.done / seconds;
  if (f.total !== null && rate > 0) return Math.max(0, (f.total - f.done) / rate);
  if (f.totalBytes && f.bytes) return Math.max(0, (f.totalBytes - f.bytes) / (f.bytes / seconds));
  return null;
}

const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);

/** 75 → 1m15s; 3700 → 1h01m. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * The run's progress for the command line: on a terminal, one cli-progress bar per task on
 * stderr; otherwise (cron, CI, a pipe) a timestamped line per task every `everySeconds` (0: none).
 */
export function createCliProgress(opts: {
  terminal: boolean;
  everySeconds: number;
  stream: NodeJS.WriteStream;
}): Progress & { close(): void; writeLog(line: string): void } {
  const tasks = new Map<string, Task>();
  // Made at the first bar: a run with nothing to show writes nothing (not even cursor codes).
  let made: cliProgress.MultiBar | null = null;
  const bars = (): cliProgress.MultiBar =>
    (made ??= new cliProgress.MultiBar(
      {
        stream: opts.stream,
        format: ' {task} [{bar}] {line}',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    ));
  const multi = opts.terminal;
  const writeLine = (name: string, t: Task) => {
    t.printed = true;
    opts.stream.write(
      `${new Date().toISOString()} info  progress ${name}: ${describeProgress(t.figures, Date.now() - t.startedAt)}\n`,
    );
  };
  let drawing = false;
  const timer =
    !multi && opts.everySeconds > 0
      ? setInterval(() => {
          for (const [name, t] of tasks) writeLine(name, t);
        }, opts.everySeconds * 1000)
      : null;
  timer?.unref();
  const payload = (name: string, t: Task) => ({
    task: name,
    line: describeProgress(t.figures, Date.now() - t.startedAt),
  });
  return {
    show(name, figures) {
      let t = tasks.get(name);
      if (!t) {
        t = { figures, startedAt: Date.now(), bar: null, printed: false };
        tasks.set(name, t);
      }
      t.figures = figures;
      if (!multi) return;
      const total = figures.total ?? figures.totalBytes ?? 0;
      const value = figures.total !== null ? figures.done : (figures.bytes ?? figures.done);
      drawing = true;
      if (!t.bar) t.bar = bars().create(total, value, payload(name, t));
      else {
        t.bar.setTotal(total);
        t.bar.update(value, payload(name, t));
      }
    },
    end(name) {
      const t = tasks.get(name);
      if (!t) return;
      if (t.bar) t.bar.update(payload(name, t));
      else if (t.printed) writeLine(name, t);
      tasks.delete(name);
    },
    close() {
      if (timer) clearInterval(timer);
      made?.stop();
      drawing = false;
    },
    /** A log line: above the bars while they are drawn (written as they redraw), else as is. */
    writeLog(line) {
      if (made && drawing) made.log(line);
      else opts.stream.write(line);
    },
  };
}

import { Writable } from 'node:stream';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import winston from 'winston';
import { redact } from './redact.ts';
import { paint, terminalStyle, type TerminalStyle } from './terminal.ts';

export type Logger = winston.Logger;

export interface LoggerOptions {
  /** Folder for the JSON-lines log; none for a logger that only writes to the terminal. */
  dir?: string | null;
  level?: string;
  secrets: readonly string[];
  maxFileMB?: number;
  maxFiles?: number;
  /** Where readable lines go; stderr by default so `--json` keeps stdout clean. */
  console?: boolean;
  quiet?: boolean;
  /** Colours and timestamps of the readable lines; by default, from stderr and NO_COLOR. */
  style?: TerminalStyle;
  /** Where readable lines go instead of stderr (above the progress bars while they show). */
  write?: (line: string) => void;
}

export const LOG_FILE_NAME = 'rtm-batch.log';

/** A winston format that masks credentials in the message and every field of an entry. */
export const redactFormat = winston.format((info, opts: unknown) => {
  const { secrets } = opts as { secrets: readonly string[] };
  const clean = redact({ ...info }, secrets) as Record<string, unknown>;
  for (const key of Object.keys(info)) {
    (info as Record<string, unknown>)[key] = clean[key];
  }
  return info;
});

/** The process logger: JSON lines under var/logs (rotated by size), readable lines on stderr. */
export function createLogger(opts: LoggerOptions): Logger {
  const secrets = opts.secrets;
  const transports: winston.transport[] = [];
  if (opts.dir) {
    mkdirSync(opts.dir, { recursive: true });
    transports.push(
      new winston.transports.File({
        filename: path.join(opts.dir, LOG_FILE_NAME),
        maxsize: Math.round((opts.maxFileMB ?? 20) * 1024 * 1024),
        maxFiles: opts.maxFiles ?? 10,
        tailable: true,
        format: winston.format.combine(
          redactFormat({ secrets }),
          winston.format.timestamp(),
          winston.format.json(),
        ),
      }),
    );
  }
  if (opts.console !== false && opts.write) {
    transports.push(
      new winston.transports.Stream({
        stream: lineStream(opts.write),
        level: opts.quiet ? 'warn' : (opts.level ?? 'info'),
        format: winston.format.combine(
          redactFormat({ secrets }),
          readableLine(opts.style ?? terminalStyle(process.stderr, process.env)),
        ),
      }),
    );
  } else if (opts.console !== false) {
    transports.push(
      new winston.transports.Console({
        level: opts.quiet ? 'warn' : (opts.level ?? 'info'),
        stderrLevels: ['error', 'warn', 'info', 'debug'],
        format: winston.format.combine(
          redactFormat({ secrets }),
          readableLine(opts.style ?? terminalStyle(process.stderr, process.env)),
        ),
      }),
    );
  }
  if (transports.length === 0) transports.push(new winston.transports.Console({ silent: true }));
  const logger = winston.createLogger({ level: opts.level ?? 'info', transports });
  // A log file that cannot be written (full disk, read-only) must not crash the run it records:
  // winston re-emits the transport's error, and an 'error' event without a listener ends node.
  let told = false;
  logger.on('error', (err: Error) => {
    if (told) return;
    told = true;
    process.stderr.write(
      `rtm-batch: the log file cannot be written (${err.message}); logging to the terminal only\n`,
    );
  });
  return logger;
}

/** Waits until every transport has written what it was given. */
export async function closeLogger(logger: Logger): Promise<void> {
  const done = new Promise<void>((resolve) => logger.on('finish', () => resolve()));
  logger.end();
  await Promise.race([done, new Promise((r) => setTimeout(r, 2000).unref())]);
}

/** A stream handing each written line to `write`. */
function lineStream(write: (line: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      write(chunk.toString());
      done();
    },
  });
}

const LEVEL_COLOUR = { error: 'red', warn: 'yellow', info: 'green', debug: 'dim' } as const;

/** `[time ]level [job partner run] message`: the time when nobody watches, colour when one does. */
function readableLine(style: TerminalStyle) {
  return winston.format.printf((info) => {
    const { level, message, runId, job, partner } = info as Record<string, unknown>;
    const where = [job, partner].filter(Boolean).join(' ');
    const tag = where ? `[${where}${typeof runId === 'string' ? ` ${runId.slice(-4)}` : ''}] ` : '';
    const name = String(level);
    const colour = LEVEL_COLOUR[name as keyof typeof LEVEL_COLOUR];
    const shown = colour ? paint(style, colour, name.padEnd(5)) : name.padEnd(5);
    const time = style.timestamps ? `${new Date().toISOString()} ` : '';
    return `${time}${shown} ${tag}${String(message)}`;
  });
}

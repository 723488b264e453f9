/** How text for a person is written to one stream: colours and timestamps. */
export interface TerminalStyle {
  /** ANSI colours: a terminal only, and never with NO_COLOR (https://no-color.org). */
  colour: boolean;
  /** A timestamp on each log line: when nobody watches (cron mail, a log file, CI). */
  timestamps: boolean;
}

/** The style for a stream: colours on a terminal unless NO_COLOR is set; timestamps when piped. */
export function terminalStyle(
  stream: { isTTY?: boolean } | undefined,
  env: NodeJS.ProcessEnv,
): TerminalStyle {
  const tty = Boolean(stream?.isTTY);
  return { colour: tty && !env.NO_COLOR, timestamps: !tty };
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

/** Paints text when colour is on; returns it as is otherwise. */
export function paint(style: TerminalStyle, colour: keyof typeof CODES, text: string): string {
  return style.colour ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

export { createLogger, closeLogger, redactFormat, LOG_FILE_NAME } from './logger.ts';
export type { Logger, LoggerOptions } from './logger.ts';
export { redact, redactString } from './redact.ts';
export { paint, terminalStyle } from './terminal.ts';
export type { TerminalStyle } from './terminal.ts';

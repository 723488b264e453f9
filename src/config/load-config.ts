import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import cron from 'node-cron';
import {
  configSchema,
  SCHEDULED_JOBS,
  type ConfigFile,
  type Locale,
  type PartnerConfig,
} from './schema.ts';

export const CONFIG_FILE_NAME = 'rtm-batch.config.json';

/** Where the process was told to look: flags win over the environment. */
export interface ConfigSources {
  home?: string | undefined;
  configFile?: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface DatabaseConfig {
  client: 'sqlite3' | 'pg';
  /** A file path for sqlite3, a connection URL for pg. */
  connection: string;
}

/** The validated, frozen configuration every part of the program reads. */
export interface Config extends Omit<ConfigFile, 'database'> {
  home: string;
  configFile: string | null;
  database: DatabaseConfig;
  /** RTM_NOW as epoch milliseconds, or null for the real clock. */
  nowAtStart: number | null;
  /** Values that must never reach a log line (tokens, database passwords). */
  secrets: readonly string[];
}

export type LoadResult =
  { config: Config; errors?: undefined } | { config?: undefined; errors: string[] };

/** Reads and validates the configuration; returns every error found, never throws for bad input. */
export function loadConfig(sources: ConfigSources): LoadResult {
  const errors: string[] = [];
  const home = path.resolve(sources.cwd, sources.home ?? sources.env.RTM_HOME ?? '.');
  if (!isDirectory(home))
    errors.push(`workspace ${home}: not a directory (set RTM_HOME or --home)`);

  const explicit = sources.configFile !== undefined;
  const configFile = explicit
    ? path.resolve(sources.cwd, sources.configFile as string)
    : path.join(home, CONFIG_FILE_NAME);
  let raw: unknown = {};
  let usedFile: string | null = null;
  const text = readIfPresent(configFile, explicit, errors);
  if (text !== null) {
    usedFile = configFile;
    try {
      raw = JSON.parse(blankCommentLines(text));
    } catch (err) {
      errors.push(`${configFile}: not valid JSON: ${(err as Error).message}`);
      return { errors };
    }
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      errors.push(`${label(usedFile)}: ${describeIssue(issue.path, issue.message, raw, issue)}`);
    }
  }

  const nowAtStart = parseNow(sources.env.RTM_NOW, errors);
  if (!parsed.success) return { errors };
  const file = parsed.data;
  errors.push(...checkSemantics(file).map((e) => `${label(usedFile)}: ${e}`));

  const database = resolveDatabase(file, sources.env, home);
  if (errors.length > 0) return { errors };

  const config: Config = {
    ...file,
    home,
    configFile: usedFile,
    database,
    nowAtStart,
    secrets: collectSecrets(file, sources.env, database),
  };
  return { config: deepFreeze(config) };
}

/**
 * JSON with whole-line \`//\` comments (the example \`rtm-batch init\` writes): each comment line is
 * blanked, so JSON.parse's positions still point at the right line. Nothing inside a value is touched.
 */
function blankCommentLines(text: string): string {
  return text.replace(/^[ \t]*\/\/.*$/gm, '');
}

/** The effective settings of one partner: configured, or the defaults of an unconfigured folder. */
export function partnerConfig(config: Config, partnerId: string): PartnerConfig {
  return (
    config.partners[partnerId] ?? {
      locale: 'en' as Locale,
      localeConfigured: false,
      addons: false,
      precheck: false,
      webex: {},
    }
  );
}

function checkSemantics(file: ConfigFile): string[] {
  const errors: string[] = [];
  for (const [id, partner] of Object.entries(file.partners)) {
    if (partner.encoding !== undefined && !iconv.encodingExists(partner.encoding)) {
      errors.push(
        `partners.${id}.encoding: "${String(partner.encoding)}" is not an encoding we can decode (try cp932 or windows-1252)`,
      );
    }
    const baseUrl = partner.webex.baseUrl ?? file.webex.baseUrl;
    if (baseUrl && !partner.webex.tokenEnv && !partner.webex.oauth) {
      errors.push(
        `partners.${id}.webex.tokenEnv: required when a Webex base URL is set (name the environment variable holding the token)`,
      );
    }
  }
  for (const job of SCHEDULED_JOBS) {
    const expr = file.schedule[job];
    if (expr !== null && !cron.validate(expr)) {
      errors.push(`schedule.${job}: "${expr}" is not a cron expression (for example "0 2 * * *")`);
    }
  }
  const hook = file.notify.webhook;
  if (hook && (hook.url === undefined) === (hook.urlEnv === undefined))
    errors.push('notify.webhook: set either url or urlEnv (the variable holding the URL)');
  if (!isTimeZone(file.schedule.timezone)) {
    errors.push(
      `schedule.timezone: "${file.schedule.timezone}" is not an IANA time zone (for example "Asia/Tokyo")`,
    );
  }
  return errors;
}

function resolveDatabase(file: ConfigFile, env: NodeJS.ProcessEnv, home: string): DatabaseConfig {
  if (file.database) {
    const { client, connection } = file.database;
    return {
      client,
      connection: client === 'sqlite3' ? path.resolve(home, connection) : connection,
    };
  }
  if (env.DATABASE_URL) return { client: 'pg', connection: env.DATABASE_URL };
  return { client: 'sqlite3', connection: path.join(home, 'var', 'rtm-batch.sqlite') };
}

function collectSecrets(file: ConfigFile, env: NodeJS.ProcessEnv, db: DatabaseConfig): string[] {
  const names = new Set(file.logging.secretEnv);
  for (const partner of Object.values(file.partners)) {
    if (partner.webex.tokenEnv) names.add(partner.webex.tokenEnv);
    if (partner.webex.oauth) {
      names.add(partner.webex.oauth.clientSecretEnv);
      names.add(partner.webex.oauth.refreshTokenEnv);
    }
  }
  const { webhook, email } = file.notify;
  for (const name of [webhook?.urlEnv, webhook?.secretEnv, email?.userEnv, email?.passwordEnv])
    if (name) names.add(name);
  const secrets = [...names].map((n) => env[n]).filter((v): v is string => !!v && v.length >= 4);
  if (db.client === 'pg') {
    try {
      const password = decodeURIComponent(new URL(db.connection).password);
      if (password.length >= 4) secrets.push(password);
    } catch {
      // a libpq keyword string has no URL password to find
    }
  }
  return secrets;
}

function parseNow(value: string | undefined, errors: string[]): number | null {
  if (value === undefined || value === '') return null;
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)
    ? Date.parse(value)
    : NaN;
  if (Number.isNaN(ms)) {
    errors.push(
      `RTM_NOW: "${value}" is not an ISO 8601 date-time (for example 2026-11-24T02:00:00Z)`,
    );
    return null;
  }
  return ms;
}

function readIfPresent(file: string, required: boolean, errors: string[]): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return null;
    errors.push(`${file}: cannot read the configuration file (${code ?? (err as Error).message})`);
    return null;
  }
}

function describeIssue(
  where: PropertyKey[],
  message: string,
  raw: unknown,
  issue: { code: string; keys?: string[] },
): string {
  const at = where.length ? where.map(String).join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return `${at}: unknown setting${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  const value = valueAt(raw, where);
  const got = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  return `${at}: ${message}${got}`;
}

function valueAt(raw: unknown, where: PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const key of where) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

const label = (file: string | null) => file ?? 'configuration';

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

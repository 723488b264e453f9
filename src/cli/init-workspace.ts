import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_NAME } from '../config/index.ts';

/** The folders of a workspace (contract §2). */
export const WORKSPACE_FOLDERS = ['inbox', 'outbox', 'archive', 'quarantine', 'reports', 'var'];

/**
 * Whether `home` holds a workspace: its configuration, its inbox or its ledger folder. A command
 * pointed elsewhere (a typo in --home) must not silently start a new, empty one there.
 */
export function isWorkspace(home: string): boolean {
  return (
    existsSync(path.join(home, CONFIG_FILE_NAME)) ||
    isDir(path.join(home, 'inbox')) ||
    isDir(path.join(home, 'var'))
  );
}

/** What `init` did. */
export interface InitResult {
  created: string[];
  /** The example configuration was written (false: one was there and is kept). */
  wroteConfig: boolean;
}

/** Creates the workspace folders and a commented example configuration; never overwrites. */
export function initWorkspace(home: string): InitResult {
  const created: string[] = [];
  for (const name of ['', ...WORKSPACE_FOLDERS]) {
    const dir = path.join(home, name);
    if (isDir(dir)) continue;
    mkdirSync(dir, { recursive: true });
    created.push(dir);
  }
  const configFile = path.join(home, CONFIG_FILE_NAME);
  const wroteConfig = !existsSync(configFile);
  if (wroteConfig) writeFileSync(configFile, EXAMPLE_CONFIG, { flag: 'wx' });
  return { created, wroteConfig };
}

function isDir(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** The example configuration `init` writes: valid as it is (the embedded simulator), with what to change. */
export const EXAMPLE_CONFIG = `{
  // rtm-batch configuration. Lines starting with // are comments. Every key is optional;
  // the values shown are the defaults. docs/operations.md says more about each.
  //
  // Language of the run reports: en, ja or pt-BR.
  "reportLocale": "en",
  // A file is read once its size and time have not changed for this many seconds.
  "inbox": { "stableSeconds": 10 },
  // One entry per partner: its folder under inbox/ has the same name. Without webex.baseUrl
  // every inbox folder is a partner with default settings and the embedded simulator is the
  // target; with a real base URL only the partners listed here are read. For example:
  //   "acme": {
  //     "locale": "en",
  //     "provisioningId": "the Partner Hub onboarding template id",
  //     "webex": { "tokenEnv": "ACME_WEBEX_TOKEN" }
  //   }
  "partners": {},
  // null: the embedded Webex simulator (for trying things out). For Webex itself:
  //   "baseUrl": "https://webexapis.com/v1"
  "webex": { "baseUrl": null, "requestsPerSecond": 10 },
  // Without "database" the ledger is SQLite in var/rtm-batch.sqlite. For PostgreSQL set
  // DATABASE_URL, or: "database": { "client": "pg", "connection": "postgres://…" },
  "logging": { "level": "info" },
  // Retention is off: nothing is pruned. To prune what is older than so many days, add:
  //   "retention": { "days": { "reports": 90, "quarantine": 90, "outbox": 90, "archive": 365, "ledger": 365 } },
  // Cron lines for \`rtm-batch schedule\` (null turns one off).
  "schedule": { "nightly": "0 2 * * *", "rpl-recheck": "*/15 * * * *", "timezone": "UTC" }
}
`;

import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, partnerConfig, type Config } from '../config/index.ts';
import { listSchemaVersions, openDb, pingDb, readSchemaVersion } from '../store/index.ts';
import { AuthError, HttpWebexClient, PermanentError, RateLimiter } from '../webex/index.ts';
import { isWorkspace, WORKSPACE_FOLDERS } from './init-workspace.ts';

/** One finding of `doctor`: what was checked, whether it is fine, and how to fix it when not. */
export interface Finding {
  check: string;
  ok: boolean;
  message: string;
  fix?: string;
}

/** Below this, `doctor` says the disk is nearly full: a night's files, reports and ledger growth. */
export const MIN_FREE_BYTES = 1024 ** 3;

/** An id no customer has: its GET reads nothing and changes nothing, and tests the token. */
const PROBE_ID = 'rtm-batch-doctor-probe';

/**
 * Checks what a run needs, without running one: the configuration, the database and its
 * migrations, each partner's Webex base URL and token (one GET), the folders and free disk.
 */
export async function runDoctor(sources: {
  home?: string | undefined;
  configFile?: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}): Promise<Finding[]> {
  const loaded = loadConfig(sources);
  if (loaded.errors)
    return loaded.errors.map((e) => ({
      check: 'config',
      ok: false,
      message: e,
      fix: 'edit the configuration; every error is listed',
    }));
  const config = loaded.config;
  const findings: Finding[] = [
    {
      check: 'config',
      ok: true,
      message: `${config.configFile ?? 'no configuration file: built-in defaults'}; ${Object.keys(config.partners).length} partner(s) configured`,
    },
  ];
  if (!isWorkspace(config.home))
    return [
      ...findings,
      {
        check: 'workspace',
        ok: false,
        message: `${config.home} is not an rtm-batch workspace`,
        fix: `rtm-batch init --home ${config.home}`,
      },
    ];
  findings.push(...checkFolders(config), checkDisk(config.home));
  findings.push(await checkDatabase(config));
  findings.push(...(await checkPartners(config, sources.env)));
  return findings;
}

function checkFolders(config: Config): Finding[] {
  return WORKSPACE_FOLDERS.map((name) => {
    const dir = path.join(config.home, name);
    if (!existsSync(dir))
      return {
        check: `folder ${name}/`,
        ok: true,
        message: `${dir} does not exist yet (the first run that needs it makes it)`,
      };
    try {
      accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
      return { check: `folder ${name}/`, ok: true, message: `${dir} is writable` };
    } catch (err) {
      return {
        check: `folder ${name}/`,
        ok: false,
        message: `${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        fix: `let the user running rtm-batch read and write it (chown / chmod u+rwx ${dir})`,
      };
    }
  });
}

function checkDisk(home: string): Finding {
  const fs = statfsSync(home);
  const free = fs.bavail * fs.bsize;
  const gb = (free / 1024 ** 3).toFixed(1);
  return free >= MIN_FREE_BYTES
    ? { check: 'disk', ok: true, message: `${gb} GiB free under ${home}` }
    : {
        check: 'disk',
        ok: false,
        message: `only ${gb} GiB free under ${home}`,
        fix: 'free space (retention settings prune old reports and files) or move the workspace',
      };
}

async function checkDatabase(config: Config): Promise<Finding> {
  const where = config.database.client === 'sqlite3' ? config.database.connection : 'PostgreSQL';
  if (config.database.client === 'sqlite3' && !existsSync(config.database.connection))
    return {
      check: 'database',
      ok: true,
      message: `${where}: no ledger yet; the first run creates it`,
    };
  const db = openDb(config.database);
  try {
    await pingDb(db);
    const known = await listSchemaVersions();
    const latest = known[known.length - 1] ?? null;
    const version = await readSchemaVersion(db).catch(() => null);
    if (version === latest)
      return { check: 'database', ok: true, message: `${where}: schema version ${version}` };
    if (version !== null && !known.includes(version))
      return {
        check: 'database',
        ok: false,
        message: `${where}: schema version ${version} is newer than this program knows (${latest})`,
        fix: 'run the newer rtm-batch that migrated it, or restore a backup',
      };
    return {
      check: 'database',
      ok: true,
      message: `${where}: schema version ${version ?? 'none'}; the next run migrates it to ${latest}`,
    };
  } catch (err) {
    return {
      check: 'database',
      ok: false,
      message: `${where}: ${(err as Error).message}`,
      fix:
        config.database.client === 'pg'
          ? 'check DATABASE_URL (or "database"): host, port, user, password, database'
          : `check that ${config.database.connection} is an SQLite file this user can read and write`,
    };
  } finally {
    await db.destroy();
  }
}

async function checkPartners(config: Config, env: NodeJS.ProcessEnv): Promise<Finding[]> {
  const findings: Finding[] = [];
  if (config.webex.baseUrl && Object.keys(config.partners).length === 0)
    findings.push({
      check: 'partners',
      ok: false,
      message: `webex.baseUrl is ${config.webex.baseUrl} but no partner is configured: no inbox folder will be read`,
      fix: 'add each partner under "partners" with its webex.tokenEnv (docs/operations.md, "Add a partner")',
    });
  for (const id of Object.keys(config.partners).sort()) {
    const settings = partnerConfig(config, id);
    const baseUrl =
      settings.webex.baseUrl === undefined ? config.webex.baseUrl : settings.webex.baseUrl;
    const check = `partner ${id}`;
    if (!baseUrl) {
      findings.push({ check, ok: true, message: 'the embedded simulator (no base URL)' });
      continue;
    }
    const name = settings.webex.tokenEnv;
    const token = name ? env[name] : undefined;
    if (!token) {
      findings.push({
        check,
        ok: false,
        message: `no token: the environment variable ${name ?? '(none named)'} is not set`,
        fix: `export ${name ?? 'ITS_TOKEN_VARIABLE'}=<token> where rtm-batch runs (cron, systemd)`,
      });
      continue;
    }
    const client = new HttpWebexClient({
      baseUrl,
      token,
      secrets: config.secrets,
      subPartnerOrgId: settings.webex.subPartnerOrgId ?? null,
      timeoutMs: Math.min(config.webex.timeoutMs, 10_000),
      concurrency: 1,
      limiter: new RateLimiter({ requestsPerSecond: 1 }),
      budget: { remaining: 0 },
      maxAttempts: 1,
    });
    try {
      await client.getCustomer(PROBE_ID);
      findings.push({ check, ok: true, message: `${baseUrl} answers and accepts the token` });
    } catch (err) {
      if (err instanceof PermanentError) {
        // A 4xx other than 401/403 about our made-up id: the server read the token and answered.
        findings.push({ check, ok: true, message: `${baseUrl} answers and accepts the token` });
      } else if (err instanceof AuthError) {
        findings.push({
          check,
          ok: false,
          message: `${baseUrl} refused the token in ${name} (HTTP ${err.info.status})`,
          fix: `renew the token and set ${name} again`,
        });
      } else {
        findings.push({
          check,
          ok: false,
          message: `${baseUrl}: ${(err as Error).message}`,
          fix: 'check the base URL, the network path (proxy, firewall) and Webex status',
        });
      }
    }
  }
  return findings;
}

/** The findings as lines: OK or FAIL, what, and for each failure how to fix it. */
export function renderFindings(findings: readonly Finding[]): string {
  const lines = findings.flatMap((f) => [
    `${f.ok ? 'ok  ' : 'FAIL'}  ${f.check}: ${f.message}`,
    ...(!f.ok && f.fix ? [`        fix: ${f.fix}`] : []),
  ]);
  const failed = findings.filter((f) => !f.ok).length;
  lines.push(failed === 0 ? 'all checks passed' : `${failed} check(s) failed`);
  return lines.join('\n') + '\n';
}

import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import {
  billingJob,
  deprovisionJob,
  importJob,
  nightlyJob,
  provisionJob,
  reconcileJob,
  rplRecheckJob,
} from '../../jobs/index.ts';
import type { DeprovisionRequest } from '../../jobs/index.ts';
import { RplContactError, recordRplContact, toOpenLine, type AgedRplCheck } from '../rpl/index.ts';
import { createClock } from '../clock/index.ts';
import { loadConfig, LOCALES, PARTNER_ID, type Config, type Locale } from '../config/index.ts';
import { writeTemplate } from '../ingest/index.ts';
import { paint, redactString, terminalStyle, type TerminalStyle } from '../log/index.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { failedSummary, type Summary } from '../reports/index.ts';
import { LockHeldError, makeRunId, type App, type JobOptions } from '../runs/index.ts';
import { backupSqliteInto, openDb } from '../store/index.ts';
import { startSimulator } from '../webex/simulator/index.ts';
import { simulatorStateFile } from '../webex/index.ts';
import { billingPeriod } from '../billing/index.ts';
import { closeApp, openApp } from './app.ts';
import { obeyHeldSignal, takeEarlySignal } from './early-signals.ts';
import { UsageError } from '../runs/index.ts';
import { renderFindings, runDoctor } from './doctor.ts';
import { initWorkspace, isWorkspace } from './init-workspace.ts';
import { assertKnownPartner } from './known-partner.ts';
import { readStatus, renderStatus } from './status.ts';
import { describePrune, runPrune } from '../retention/index.ts';
import { runScheduler } from '../schedule/index.ts';
import { runWorker } from '../provision/index.ts';

/** Exit codes of contract §4. */
export const EXIT = { ok: 0, partial: 1, usage: 2, failed: 3, locked: 75 } as const;

/** Where the command writes text. */
export interface TextOut {
  write(text: string): unknown;
}

export interface CliIo {
  stdout: TextOut;
  stderr: TextOut;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The command's io with every write masked (maskOutput); loadOrThrow gives it config.secrets. */
interface MaskedIo extends CliIo {
  /** From now on, also mask these values. */
  maskSecrets(secrets: readonly string[]): void;
  /** How what goes to stdout looks: colours on a terminal only. */
  stdoutStyle: TerminalStyle;
}

/**
 * Masks bearer tokens, URL passwords and, once the configuration is read, its secrets in all that
 * the command writes on stdout and stderr (summaries, notes, failure messages). The last guard:
 * the Webex client already masks the error text it reads.
 */
function maskOutput(io: CliIo): MaskedIo {
  let secrets: readonly string[] = [];
  const masked = (out: TextOut): TextOut => ({
    write: (text: string) => out.write(redactString(text, secrets)),
  });
  return {
    ...io,
    stdoutStyle: terminalStyle(io.stdout as { isTTY?: boolean }, io.env),
    stdout: masked(io.stdout),
    stderr: masked(io.stderr),
    maskSecrets: (more) => {
      secrets = [...secrets, ...more];
    },
  };
}

interface GlobalOptions {
  home?: string;
  config?: string;
  json?: boolean;
  dryRun?: boolean;
  partner?: string;
}

type JobFn = (
  app: App,
  opts: Omit<JobOptions, 'job'> & { demo: boolean; workers: number },
  env: NodeJS.ProcessEnv,
) => Promise<Summary>;

/** Runs the command line; resolves to the process exit code. One catch here maps errors to codes. */
export async function main(
  argv: string[],
  io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  },
): Promise<number> {
  let exit: number = EXIT.ok;
  const out = maskOutput(io);
  const program = buildProgram(out, (code) => {
    exit = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UsageError) {
      out.stderr.write(`rtm-batch: ${err.message}\n`);
      return EXIT.usage;
    }
    out.stderr.write(`rtm-batch: the run failed: ${(err as Error).message}\n`);
    return EXIT.failed;
  }
}

function buildProgram(io: MaskedIo, setExit: (code: number) => void): Command {
  const program = new Command('rtm-batch')
    .description(
      'Nightly provisioning of Webex Wholesale customers and users from partner spreadsheets.',
    )
    .option('--home <dir>', 'workspace folder (default: $RTM_HOME or the current directory)')
    .option('--config <file>', 'configuration file (default: <home>/rtm-batch.config.json)')
    .option('--json', 'print the run summary as JSON on stdout and nothing else there')
    .option(
      '--dry-run',
      'read, validate and plan; change nothing in Webex, the ledger or the folders',
    )
    .option('--partner <id>', 'work on one partner only')
    .version(readVersion(), '-V, --version', 'print the version and exit')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run rtm-batch --help for the commands)')
    .addHelpText(
      'after',
      [
        examples('rtm-batch nightly --demo', 'rtm-batch status --partner acme'),
        '',
        'Exit codes: 0 ok, 1 something needs you or some rows or files were rejected or failed,',
        '  2 usage or configuration error, 3 the run failed, 75 another run holds the lock.',
      ].join('\n'),
    );

  // Commands that take SIGTERM/SIGINT themselves; the others get the default from their start.
  const takesSignals = new Set(['provision-worker', 'simulator']);
  program.hook('preAction', (_program, action) => {
    if (!takesSignals.has(action.name())) obeyHeldSignal();
  });
  const pipeline = (
    name: string,
    description: string,
    fn: JobFn,
    extra?: (cmd: Command) => Command,
  ) => {
    let cmd = program.command(name).description(description);
    takesSignals.add(name);
    if (extra) cmd = extra(cmd);
    cmd.action(async (_opts: unknown, command: Command) =>
      setExit(await runPipeline(io, command, fn)),
    );
  };
  program
    .command('init')
    .description(
      'create a workspace: inbox, outbox, archive, quarantine, reports, var and a commented example config',
    )
    .action((_o: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const home = path.resolve(io.cwd, globals.home ?? io.env.RTM_HOME ?? '.');
      const done = initWorkspace(home);
      io.stdout.write(
        [
          `workspace ${home}: ${done.created.length > 0 ? `created ${done.created.map((d) => path.relative(home, d) || '.').join(', ')}` : 'every folder was there already'}`,
          done.wroteConfig
            ? `  wrote ${path.join(home, 'rtm-batch.config.json')} (commented; edit it to add partners)`
            : `  kept the existing ${path.join(home, 'rtm-batch.config.json')}`,
          `  next: drop a partner's files into ${path.join(home, 'inbox', '<partner>')}/ and run rtm-batch --home ${home} nightly`,
        ].join('\n') + '\n',
      );
    });

  pipeline(
    'import',
    'pick up stable files, parse, validate and stage them; write per-file results',
    (app, o, env) => importJob(app, o, env),
  );
  pipeline(
    'provision',
    'send staged changes to Webex in rate-limited batches and follow their outcomes',
    (app, o, env) => provisionJob(app, o, env),
    (cmd) =>
      cmd.addOption(
        new Option(
          '--workers <n>',
          'processes sending changes (PostgreSQL only): the run and n-1 provision-worker processes share the rate',
        ).default('1'),
      ),
  );

  program
    .command('provision-worker', { hidden: true })
    .description(
      'send outbox changes for the run holding the lock (PostgreSQL; start more on other machines)',
    )
    .option('--run <runId>', 'work for this run only and stop when it ends')
    .option(
      '--rate-share <n>',
      'use at most 1/n of webex.requestsPerSecond (the rate is shared through the database anyway)',
      '1',
    )
    .action(async (opts: { run?: string; rateShare: string }, command: Command) => {
      // A worker on another machine needs only the configuration and the shared database.
      const { config } = loadOrThrow(io, command, { anyFolder: true });
      requireSharedOutbox(config);
      const app = await openApp(config, { quiet: false });
      const controller = new AbortController();
      const stop = () => controller.abort(new Error('signal'));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      if (takeEarlySignal()) stop();
      try {
        await runWorker(app, {
          runId: opts.run ?? null,
          signal: controller.signal,
          env: io.env,
          rateShare: Number(opts.rateShare) || 1,
        });
        setExit(EXIT.ok);
      } finally {
        process.removeListener('SIGTERM', stop);
        process.removeListener('SIGINT', stop);
        await closeApp(app);
      }
    });
  pipeline(
    'rpl-recheck',
    're-poll pending RPL checks, age them, list deprovisioning candidates',
    (app, o, env) => rplRecheckJob(app, o, env),
  );
  pipeline(
    'reconcile',
    'compare sheets, ledger and Webex; write the reconciliation report',
    (app, o, env) => reconcileJob(app, o, env),
  );
  program
    .command('billing')
    .description(
      "hold Webex's billing reports of a period against the ledger and the sheets (default: the last full month)",
    )
    .option('--from <date>', 'first day of the period, YYYY-MM-DD (with --to)')
    .option('--to <date>', 'last day of the period, YYYY-MM-DD (with --from)')
    .option('--point-in-time', "today's package allocations instead of a period")
    .action(async (o: { from?: string; to?: string; pointInTime?: boolean }, command: Command) => {
      // A wrong period is a usage error (exit 2) before any run starts; the default month needs the run's clock.
      setExit(
        await runPipeline(io, command, (app, opts, env) => {
          const period = billingPeriod(o, app.clock.now());
          if (period.error !== undefined) throw new UsageError(period.error);
          return billingJob(app, opts, env, period.period);
        }),
      );
    });
  takesSignals.add('billing');
  pipeline(
    'nightly',
    'import, provision, rpl-recheck and reconcile as one run',
    (app, o, env) => nightlyJob(app, o, env),
    (cmd) =>
      cmd.addOption(
        new Option(
          '--demo',
          'first drop the bundled demo sheets from fixtures/ into the inbox (what npm start does)',
        ),
      ),
  );

  program
    .command('schedule')
    .description('stay running and start the jobs on their cron schedules (config "schedule")')
    .action(async (_o: unknown, command: Command) => {
      const { config } = loadOrThrow(io, command);
      const app = await openApp(config, { quiet: false });
      try {
        setExit(await runScheduler(app, io.env));
      } finally {
        await closeApp(app);
      }
    });

  program
    .command('status')
    .description(
      'what is staged, in flight, pending, and the last runs (of one partner with --partner)',
    )
    .action(async (_o: unknown, command: Command) => {
      const { config, globals } = loadOrThrow(io, command);
      const app = await openApp(config, { quiet: true });
      try {
        if (globals.partner) await assertKnownPartner(config, app.db, globals.partner);
        const status = await readStatus(app.db, globals.partner ?? null, config.schedule);
        io.stdout.write(
          globals.json ? JSON.stringify(status, null, 2) + '\n' : renderStatus(status),
        );
      } finally {
        await closeApp(app);
      }
    });

  program
    .command('template')
    .description(
      'write a blank partner workbook with both sheets, localized headers, drop-down lists and a notes sheet',
    )
    .requiredOption('--locale <locale>', 'en, ja or pt-BR')
    .option('--out <file>', 'the .xlsx file to write (default: template-<locale>.xlsx here)')
    .action(async (opts: { locale: string; out?: string }) => {
      if (!(LOCALES as readonly string[]).includes(opts.locale)) {
        throw new UsageError(
          `--locale ${JSON.stringify(opts.locale)}: use one of ${LOCALES.join(', ')}`,
        );
      }
      const given = opts.out ?? `template-${opts.locale}.xlsx`;
      if (!given.toLowerCase().endsWith('.xlsx'))
        throw new UsageError(`--out ${given}: the template is a workbook; name it .xlsx`);
      const out = path.resolve(io.cwd, given);
      assertOutputFolder('--out', out);
      await writeTemplate(out, opts.locale as Locale);
      io.stdout.write(`${out}\n`);
    });

  program
    .command('backup')
    .description(
      'copy the SQLite ledger to FILE while runs go on (on PostgreSQL, use pg_dump instead)',
    )
    .requiredOption('--out <file>', 'the copy to write (must not exist)')
    .action(async (opts: { out: string }, command: Command) => {
      const { config } = loadOrThrow(io, command);
      if (config.database.client !== 'sqlite3')
        throw new UsageError(
          'the ledger is on PostgreSQL: back it up with pg_dump (for example pg_dump -Fc "$DATABASE_URL" > rtm-batch.dump); rtm-batch backup copies SQLite ledgers only',
        );
      const out = path.resolve(io.cwd, opts.out);
      assertOutputFolder('--out', out);
      if (existsSync(out))
        throw new UsageError(
          `--out ${out}: the file exists; name a new one (nothing is overwritten)`,
        );
      if (!existsSync(config.database.connection))
        throw new UsageError(`${config.database.connection}: no ledger yet; nothing to back up`);
      // Not openApp: a backup needs no lock, no migration and no log; it only reads.
      const db = openDb(config.database);
      try {
        await backupSqliteInto(db, out);
      } finally {
        await db.destroy();
      }
      io.stdout.write(`${out}\n`);
    });

  program
    .command('prune')
    .description('remove what is older than config retention.days allows (nightly does it last)')
    .action(async (_o: unknown, command: Command) => {
      const { config, globals } = loadOrThrow(io, command);
      if (globals.partner !== undefined)
        throw new UsageError('prune works on the whole workspace: leave out --partner');
      const dryRun = Boolean(globals.dryRun);
      const app = await openApp(config, { quiet: true });
      try {
        const counts = await runPrune(app, { dryRun });
        const off = Object.values(config.retention.days).every((d) => d === null);
        io.stdout.write(
          globals.json
            ? JSON.stringify({ dryRun, ...counts }, null, 2) + '\n'
            : `${describePrune(counts, dryRun) ?? (off ? 'retention is off (config retention.days): nothing is pruned' : 'retention: nothing to prune')}\n`,
        );
      } catch (err) {
        if (!(err instanceof LockHeldError)) throw err;
        io.stderr.write(`rtm-batch: ${err.message}; nothing was done\n`);
        setExit(EXIT.locked);
      } finally {
        await closeApp(app);
      }
    });

  program
    .command('doctor')
    .description(
      'check the config, database, each partner’s Webex token and URL, folders and free disk',
    )
    .action(async (_o: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const findings = await runDoctor({
        home: globals.home,
        configFile: globals.config,
        env: io.env,
        cwd: io.cwd,
      });
      io.stdout.write(
        globals.json ? JSON.stringify(findings, null, 2) + '\n' : renderFindings(findings),
      );
      setExit(findings.every((f) => f.ok) ? EXIT.ok : EXIT.partial);
    });

  const rpl = program.command('rpl').description('RPL compliance actions');
  rpl
    .command('contact')
    .description('record an attempt to contact the partner about an open RPL match (R-RPL-4)')
    .requiredOption('--customer <externalId>', 'the customer external id')
    .requiredOption('--outcome <outcome>', 'reached or unreachable')
    .option('--note <text>', 'what was said or tried')
    .action(
      async (opts: { customer: string; outcome: string; note?: string }, command: Command) => {
        const { config, globals } = loadOrThrow(io, command);
        if (!globals.partner) throw new UsageError('rpl contact needs --partner P');
        if (opts.outcome !== 'reached' && opts.outcome !== 'unreachable')
          throw new UsageError(
            `--outcome ${JSON.stringify(opts.outcome)}: use reached or unreachable`,
          );
        const app = await openApp(config, { quiet: true });
        try {
          await assertKnownPartner(config, app.db, globals.partner);
          const check = await recordRplContact(app.db, config, {
            partner: globals.partner,
            externalId: opts.customer,
            outcome: opts.outcome,
            note: opts.note ?? null,
            now: app.clock.now(),
            dryRun: Boolean(globals.dryRun),
          }).catch((err: unknown) => {
            throw err instanceof RplContactError ? new UsageError(err.message) : err;
          });
          io.stdout.write(
            globals.json
              ? JSON.stringify(toOpenLine(check), null, 2) + '\n'
              : renderContact(check, Boolean(globals.dryRun)),
          );
        } finally {
          await closeApp(app);
        }
      },
    );

  program
    .command('deprovision')
    .description(
      'write the plan of customers to deprovision (R-RPL-5), or apply exactly that plan once reviewed',
    )
    .option('--plan', 'write the plan of candidates (JSON, and CSV beside it)')
    .option('--out <file>', 'where to write the plan (default: the run report folder)')
    .option('--apply <file>', 'apply a reviewed plan')
    .action(async (opts: { plan?: boolean; out?: string; apply?: string }, command: Command) => {
      if (Boolean(opts.plan) === (opts.apply !== undefined))
        throw new UsageError('deprovision: give either --plan [--out FILE] or --apply FILE');
      if (opts.apply !== undefined && opts.out !== undefined)
        throw new UsageError('deprovision: --out goes with --plan, not with --apply');
      if (opts.out !== undefined) assertOutputFolder('--out', path.resolve(io.cwd, opts.out));
      const request: DeprovisionRequest =
        opts.apply !== undefined
          ? { apply: path.resolve(io.cwd, opts.apply) }
          : { plan: true, out: opts.out === undefined ? null : path.resolve(io.cwd, opts.out) };
      setExit(
        await runPipeline(io, command, (app, o, env) => deprovisionJob(app, o, env, request)),
      );
    });

  program
    .command('simulator')
    .description('run the Webex Wholesale simulator as a server on 127.0.0.1')
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--state <file>', 'state file (default: <home>/var/simulator/state.json)')
    .action(async (opts: { port: string; state?: string }, command: Command) => {
      const { config } = loadOrThrow(io, command, { anyFolder: true });
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port ${opts.port}: not a port number`);
      const sim = await startSimulator({
        config: config.simulator,
        clock: createClock(config.nowAtStart),
        stateFile: opts.state ?? simulatorStateFile(config.home),
        port,
      });
      io.stderr.write(`Webex simulator listening at ${sim.url} (Ctrl-C to stop)\n`);
      io.stdout.write(`${sim.url}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
        if (takeEarlySignal()) resolve();
      });
      await sim.close();
    });
  addExamples(program);
  return program;
}

/** Two examples per command, shown at the end of its --help. */
const EXAMPLES: Readonly<Record<string, readonly [string, string]>> = {
  init: ['rtm-batch init', 'rtm-batch init --home /srv/rtm'],
  prune: ['rtm-batch prune --dry-run', 'rtm-batch --home /srv/rtm prune --json'],
  doctor: ['rtm-batch doctor', 'rtm-batch --home /srv/rtm doctor --json'],
  backup: [
    'rtm-batch backup --out /backup/rtm-$(date +%F).sqlite',
    'rtm-batch --home /srv/rtm backup --out ledger-copy.sqlite',
  ],
  import: ['rtm-batch import', 'rtm-batch import --partner acme --dry-run'],
  provision: ['rtm-batch provision', 'rtm-batch provision --workers 4   # PostgreSQL only'],
  'provision-worker': ['rtm-batch provision-worker', 'rtm-batch provision-worker --run <runId>'],
  'rpl-recheck': ['rtm-batch rpl-recheck', 'rtm-batch rpl-recheck --partner acme --json'],
  reconcile: ['rtm-batch reconcile', 'rtm-batch reconcile --partner acme --dry-run'],
  billing: [
    'rtm-batch billing',
    'rtm-batch billing --from 2026-02-01 --to 2026-02-28 --partner acme',
  ],
  nightly: ['rtm-batch nightly --demo', 'rtm-batch --home /srv/rtm nightly --json > last-run.json'],
  schedule: ['rtm-batch schedule', 'rtm-batch --home /srv/rtm schedule'],
  status: ['rtm-batch status', 'rtm-batch status --partner acme --json'],
  template: [
    'rtm-batch template --locale ja',
    'rtm-batch template --locale pt-BR --out parceiro.xlsx',
  ],
  rpl: [
    'rtm-batch rpl contact --partner acme --customer c-1 --outcome reached',
    'rtm-batch rpl contact --partner acme --customer c-1 --outcome unreachable --note "no answer"',
  ],
  'rpl contact': [
    'rtm-batch rpl contact --partner acme --customer c-1 --outcome reached',
    'rtm-batch rpl contact --partner acme --customer c-1 --outcome unreachable --note "no answer"',
  ],
  deprovision: [
    'rtm-batch deprovision --plan --out plan.json',
    'rtm-batch deprovision --apply plan.json',
  ],
  simulator: ['rtm-batch simulator --port 8080', 'rtm-batch simulator --state /tmp/sim-state.json'],
};

function examples(first: string, second: string): string {
  return `\nExamples:\n  $ ${first}\n  $ ${second}`;
}

/** Adds each command's examples to its help, its sub-commands' too. */
function addExamples(parent: Command, prefix = ''): void {
  for (const cmd of parent.commands) {
    const name = `${prefix}${cmd.name()}`;
    const pair = EXAMPLES[name];
    if (pair) cmd.addHelpText('after', examples(...pair));
    addExamples(cmd, `${name} `);
  }
}

/** The version in package.json. */
function readVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * An output file's folder must exist: a typo in --out is the operator's to fix (exit 2), not a
 * run failure (exit 3) after the work was done.
 */
function assertOutputFolder(option: string, file: string): void {
  const dir = path.dirname(file);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(
      `${option} ${file}: the folder ${dir} does not exist; create it or write elsewhere`,
    );
}

/** Several sending processes share one outbox on PostgreSQL, against a Webex they all reach. */
function requireSharedOutbox(config: Config): void {
  if (config.database.client !== 'pg')
    throw new UsageError(
      'several workers need PostgreSQL (DATABASE_URL or "database"); SQLite has one writer',
    );
  const embedded =
    !config.webex.baseUrl || Object.values(config.partners).some((p) => p.webex.baseUrl === null);
  if (embedded)
    throw new UsageError(
      'several workers need a Webex they all reach: set webex.baseUrl (for tests, the URL of `rtm-batch simulator`)',
    );
}

/**
 * Reads the configuration of the command's workspace. Unless `anyFolder`, the folder must be a
 * workspace (`init` made it, or it has a config, inbox/ or var/): a typo in --home is refused
 * rather than becoming a new, empty workspace.
 */
function loadOrThrow(
  io: MaskedIo,
  command: Command,
  opts: { anyFolder?: boolean } = {},
): { config: Config; globals: GlobalOptions } {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const loaded = loadConfig({
    home: globals.home,
    configFile: globals.config,
    env: io.env,
    cwd: io.cwd,
  });
  if (loaded.config) io.maskSecrets(loaded.config.secrets);
  if (loaded.errors) {
    const lines = loaded.errors.map((e) => `  - ${e}`).join('\n');
    throw new UsageError(
      `the configuration has ${loaded.errors.length} error${loaded.errors.length > 1 ? 's' : ''}; nothing was done:\n${lines}`,
    );
  }
  if (!opts.anyFolder && globals.config === undefined && !isWorkspace(loaded.config.home))
    throw new UsageError(
      `${loaded.config.home} is not an rtm-batch workspace (no rtm-batch.config.json, inbox/ or var/ there): create one with \`rtm-batch init --home ${loaded.config.home}\`, or point --home / RTM_HOME at yours; nothing was done`,
    );
  if (globals.partner !== undefined && !PARTNER_ID.test(globals.partner)) {
    throw new UsageError(
      `--partner ${JSON.stringify(globals.partner)}: not a partner id (letters, digits, . _ -)`,
    );
  }
  return { config: loaded.config, globals };
}

async function runPipeline(io: MaskedIo, command: Command, fn: JobFn): Promise<number> {
  const own = command.opts() as { demo?: boolean; workers?: string };
  const demo = Boolean(own.demo);
  // `nightly --demo` (npm start) makes its workspace: it must work on a fresh clone.
  const { config, globals } = loadOrThrow(io, command, { anyFolder: demo });
  const workers = Number(own.workers ?? '1');
  if (!Number.isInteger(workers) || workers < 1 || workers > 64)
    throw new UsageError(`--workers ${own.workers}: a whole number from 1 to 64`);
  if (workers > 1) requireSharedOutbox(config);
  // Signals are taken from the start: a SIGTERM while the ledger opens (on SQLite it may wait
  // for another run's write) or while the command closes would otherwise end the process by
  // default, with no summary and an exit code that is none of ours.
  let app: App | null = null;
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    app?.logger.warn(`${signal}: finishing the calls in flight, then stopping`);
    controller.abort(new Error(signal));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const early = takeEarlySignal();
  if (early) stop(early);
  try {
    try {
      app = await openApp(config, { quiet: Boolean(globals.json) });
    } catch (err) {
      // No run could start (a workspace that cannot be written, a ledger that cannot be opened):
      // --json still answers with a summary saying so; main prints the cause and exits 3.
      if (globals.json)
        io.stdout.write(
          JSON.stringify(
            unstartedSummary(config, command.name(), globals, 3, (err as Error).message),
            null,
            2,
          ) + '\n',
        );
      throw err;
    }
    if (globals.partner) await assertKnownPartner(config, app.db, globals.partner, { demo });
    if (controller.signal.aborted)
      app.logger.warn(`${String(controller.signal.reason)}: received while starting; stopping`);
    return await runOpened(io, command, fn, app, controller.signal, {
      config,
      globals,
      demo,
      workers,
    });
  } finally {
    if (app) await closeApp(app);
    process.removeListener('SIGTERM', stop);
    process.removeListener('SIGINT', stop);
  }
}

/** Runs the job on an opened app; a held lock is exit 75 with nothing done. */
async function runOpened(
  io: MaskedIo,
  command: Command,
  fn: JobFn,
  app: App,
  signal: AbortSignal,
  o: { config: Config; globals: GlobalOptions; demo: boolean; workers: number },
): Promise<number> {
  const { config, globals } = o;
  try {
    const summary = await fn(
      app,
      {
        dryRun: Boolean(globals.dryRun),
        partner: globals.partner ?? null,
        signal,
        demo: o.demo,
        workers: o.workers,
      },
      io.env,
    );
    app.progress?.close();
    io.stdout.write(
      globals.json
        ? JSON.stringify(summary, null, 2) + '\n'
        : renderShortSummary(summary, io.stdoutStyle, command.name()),
    );
    return summary.exitCode;
  } catch (err) {
    if (!(err instanceof LockHeldError)) throw err;
    io.stderr.write(`rtm-batch: ${err.message}; nothing was done\n`);
    if (globals.json)
      io.stdout.write(
        JSON.stringify(
          unstartedSummary(config, command.name(), globals, 75, err.message),
          null,
          2,
        ) + '\n',
      );
    return EXIT.locked;
  }
}

/** The summary of a run that could not start: the lock was held (75) or the workspace failed (3). */
function unstartedSummary(
  config: Config,
  job: string,
  globals: GlobalOptions,
  exitCode: 3 | 75,
  error: string,
): Summary {
  const clock = createClock(config.nowAtStart);
  const now = clock.now().toISOString();
  const run = makeRunId(clock.now(), job as Summary['job']);
  return failedSummary(
    {
      runId: run,
      job: job as Summary['job'],
      startedAt: now,
      finishedAt: now,
      dryRun: Boolean(globals.dryRun),
      reportDir: '',
    },
    exitCode,
    error,
  );
}

const STATUS_COLOUR = {
  ok: 'green',
  attention: 'yellow',
  partial: 'yellow',
  failed: 'red',
} as const;

/**
 * The summary's few lines for a person at a terminal, headed by the command that ran (`billing`
 * says billing, though its summary's `job` is the schema's `reconcile`: summaryJob).
 */
function renderShortSummary(s: Summary, style: TerminalStyle, command: string): string {
  const byStatus = (status: string) => s.files.filter((f) => f.status === status).length;
  const changes = (c: Summary['customers']) =>
    `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.deleted} deleted, ${c.failed} failed, ${c.pending} pending`;
  const lines = [
    `rtm-batch ${command} ${s.runId}: ${paint(style, STATUS_COLOUR[s.status], s.status)} (exit ${s.exitCode})${s.dryRun ? ' [dry run]' : ''}`,
    ...s.attention.map(
      (a) =>
        `  ${paint(style, 'yellow', 'NEEDS YOU:')}   ${a.partner ? `${a.partner}: ` : ''}${a.message} (${a.kind}, ${a.count})`,
    ),
    `  files:       ${byStatus('processed')} processed, ${byStatus('duplicate')} duplicate, ${byStatus('quarantined')} quarantined, ${byStatus('skipped')} skipped`,
    `  rows:        ${s.rows.total} read, ${s.rows.accepted} accepted, ${s.rows.rejected} rejected`,
    `  customers:   ${changes(s.customers)}`,
    `  subscribers: ${changes(s.subscribers)}`,
    `  RPL:         ${s.rpl.pending} under review, ${s.rpl.overdue} overdue, ${s.rpl.deprovisionCandidates} deprovisioning candidate(s)`,
    ...(s.plan
      ? [
          `  plan:        ${s.plan.create} to create, ${s.plan.update} to update, ${s.plan.delete} to delete, ${s.plan.unchanged} unchanged`,
        ]
      : []),
    ...s.notes.map((n) => `  note: ${n}`),
    ...(s.error ? [`  error: ${s.error}`] : []),
    `  report:      ${s.reportDir}/report.html`,
  ];
  return lines.join('\n') + '\n';
}

function renderContact(c: AgedRplCheck, dryRun: boolean): string {
  const lines = [
    `${dryRun ? '[dry run, not recorded] ' : ''}contact attempt on the RPL check of ${c.partner}/${c.externalId} (opened ${c.openedAt})`,
    `  attempts: ${c.attempts}, unreachable: ${c.unreachableAttempts}${c.overdue ? ', overdue' : ''}`,
    c.reasons.length > 0
      ? `  deprovisioning candidate (${c.reasons.join(', ')}): review it with rtm-batch deprovision --plan`
      : '  not a deprovisioning candidate',
  ];
  return lines.join('\n') + '\n';
}

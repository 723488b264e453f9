import { z } from 'zod';

/** Locales partners and reports are written in (contract §2). */
export const LOCALES = ['en', 'ja', 'pt-BR'] as const;
export type Locale = (typeof LOCALES)[number];

/** Partner ids are inbox folder names: never a path, never hidden. */
export const PARTNER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const httpUrl = z.string().refine((v) => /^https?:\/\/[^\s]+$/.test(v) && URL.canParse(v), {
  message: 'must be an http(s) URL',
});

const regex = z.string().refine(
  (v) => {
    try {
      new RegExp(v);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a valid regular expression' },
);

const webexPartnerSchema = z
  .object({
    baseUrl: httpUrl.nullable().optional(),
    tokenEnv: z.string().regex(ENV_NAME, 'must be an environment variable name').optional(),
    subPartnerOrgId: z.string().min(1).nullable().optional(),
    /**
     * An OAuth integration instead of a static token: its access token is kept in
     * var/tokens/<partner>.json and refreshed before it expires.
     */
    oauth: z
      .object({
        clientId: z.string().min(1),
        clientSecretEnv: z.string().regex(ENV_NAME, 'must be an environment variable name'),
        /** Holds the refresh token an authorisation gave; read when it differs from the stored one. */
        refreshTokenEnv: z.string().regex(ENV_NAME, 'must be an environment variable name'),
        /** Default: <baseUrl>/access_token (https://webexapis.com/v1/access_token). */
        tokenUrl: httpUrl.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const partnerSchema = z
  .object({
    locale: z.enum(LOCALES).optional(),
    encoding: z.string().min(1).optional(),
    provisioningId: z.string().min(1).optional(),
    addons: z.boolean().default(false),
    /** Send accepted rows to Webex's /validate before staging (issue 5, remote precheck). */
    precheck: z.boolean().default(false),
    orgId: z.string().min(1).optional(),
    webex: webexPartnerSchema.default({}),
  })
  .strict()
  // Whether the operator named the locale: without it nor an encoding, the encoding of a text
  // file that is not UTF-8 is judged by its content (cp932 or windows-1252).
  .transform(({ locale, ...rest }) => ({
    ...rest,
    locale: locale ?? ('en' as const),
    localeConfigured: locale !== undefined,
  }));

/** Every limit of the Webex client in one place (issue 3 tunes them). */
const webexSchema = z
  .object({
    baseUrl: httpUrl.nullable().default(null),
    requestsPerSecond: z.number().positive().max(10_000).default(10),
    concurrency: z.number().int().min(1).max(256).default(8),
    timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    retryBudget: z.number().int().min(0).default(500),
    pollSeconds: z.number().positive().default(1),
    waitForProvisionedSeconds: z.number().min(0).default(120),
  })
  .strict();

const simulatorSchema = z
  .object({
    rateLimitPerSecond: z.number().positive().default(20),
    latencyMs: z.number().min(0).default(0),
    faultRate: z.number().min(0).max(1).default(0),
    rplMatch: regex.nullable().default(null),
    rplReviewMinutes: z.number().min(0).default(0),
    provisioningSeconds: z.number().min(0).default(1),
    /** GETs a billing report answers IN_PROGRESS before it is COMPLETED (default 1). */
    billingReportPolls: z.number().int().min(0).optional(),
    /** Every billing report ends FAILED instead of COMPLETED (a fault to test with; default false). */
    billingReportsFail: z.boolean().optional(),
    /**
     * Webex's OAuth side: when set, only access tokens issued by its `POST /v1/access_token`
     * (grant_type=refresh_token) are accepted, and they expire.
     */
    oauth: z
      .object({
        /** Client id → client secret of the integrations it knows. */
        clients: z.record(z.string(), z.string()),
        /** Refresh tokens valid at start (what an authorisation gave the integration). */
        refreshTokens: z.array(z.string()).default([]),
        accessTokenSeconds: z
          .number()
          .positive()
          .default(14 * 24 * 3600),
        refreshTokenSeconds: z
          .number()
          .positive()
          .default(90 * 24 * 3600),
        rotateRefreshTokens: z.boolean().default(true),
      })
      .strict()
      .optional(),
  })
  .strict();

const databaseSchema = z
  .object({
    client: z.enum(['sqlite3', 'pg']),
    connection: z.string().min(1),
  })
  .strict();

const loggingSchema = z
  .object({
    level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    maxFileMB: z.number().positive().default(20),
    maxFiles: z.number().int().min(1).default(10),
    /** Names of environment variables whose values must never reach a log line. */
    secretEnv: z.array(z.string().regex(ENV_NAME)).default([]),
    /** Without a terminal, a progress line every this many seconds (0: none). */
    progressSeconds: z.number().min(0).default(30),
  })
  .strict();

const cronExpr = z.string().min(1);

/** The jobs the scheduler can start; `import-provision` is an import followed by a provision. */
export const SCHEDULED_JOBS = [
  'import-provision',
  'nightly',
  'rpl-recheck',
  'reconcile',
  'billing',
] as const;
export type ScheduledJob = (typeof SCHEDULED_JOBS)[number];

const scheduleSchema = z
  .object({
    /** Import then provision, for files dropped during the day; off unless set (e.g. every 10 min). */
    'import-provision': cronExpr.nullable().default(null),
    nightly: cronExpr.nullable().default('0 2 * * *'),
    'rpl-recheck': cronExpr.nullable().default('*/15 * * * *'),
    reconcile: cronExpr.nullable().default(null),
    /** Billing reconciliation of the last full month (issue 22): on the 2nd, after the nightly. */
    billing: cronExpr.nullable().default('0 6 2 * *'),
    timezone: z.string().min(1).default('UTC'),
    /** Jobs whose latest fire, missed while no scheduler ran, is run once at start-up. */
    catchUp: z.array(z.enum(SCHEDULED_JOBS)).default(['nightly']),
  })
  .strict();

/** Run statuses a notification can be sent for. */
export const NOTIFY_STATUSES = ['ok', 'attention', 'partial', 'failed'] as const;

const notifySchema = z
  .object({
    /** Statuses that are told; add "ok" to be told of every run. Dry runs are never told. */
    on: z.array(z.enum(NOTIFY_STATUSES)).default(['attention', 'partial', 'failed']),
    /** A webhook that receives a JSON body with a `text` field (Slack, Teams, or your own). */
    webhook: z
      .object({
        /** The URL, or the environment variable holding it (Slack's URLs are secrets). */
        url: httpUrl.optional(),
        urlEnv: z.string().regex(ENV_NAME).optional(),
        /** Environment variable holding a key: the body is signed (X-Rtm-Signature: sha256=…). */
        secretEnv: z.string().regex(ENV_NAME).optional(),
      })
      .strict()
      .nullable()
      .default(null),
    /** E-mail through SMTP: plain text plus the HTML report's summary. */
    email: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(587),
        /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
        secure: z.boolean().default(false),
        userEnv: z.string().regex(ENV_NAME).optional(),
        passwordEnv: z.string().regex(ENV_NAME).optional(),
        from: z.string().min(3),
        to: z.array(z.string().min(3)).min(1),
      })
      .strict()
      .nullable()
      .default(null),
    /** Attempts per channel (the first included), with a doubling wait from `backoffMs`. */
    attempts: z.number().int().min(1).max(10).default(4),
    backoffMs: z.number().int().min(0).default(2000),
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .strict();

/** RPL follow-up (domain §6): how often to re-poll, when a review is overdue, who becomes a candidate. */
const rplSchema = z
  .object({
    /** Re-poll an open check this often while it is young. */
    recheckMinutes: z.number().positive().default(15),
    /** ...and this often once it is older than `slowAfterHours`. */
    slowRecheckMinutes: z.number().positive().default(60),
    slowAfterHours: z.number().positive().default(24),
    /** R-RPL-3: a review open longer than this is overdue; the customer is non-compliant from then on. */
    overdueMinutes: z.number().positive().default(60),
    /** R-RPL-5: a check open this many days makes the customer a deprovisioning candidate. */
    nonCompliantDays: z.number().positive().default(30),
    /** R-RPL-5: this many unreachable contact attempts make the customer a candidate. */
    unreachableAttempts: z.number().int().min(1).default(3),
    /** At most this many customers removed by one `deprovision --apply`. */
    deprovisionCap: z.number().int().min(1).default(10),
  })
  .strict();

/** Days something is kept before retention prunes it; null: kept for ever (the default). */
const retentionDays = z.number().int().min(1).max(36_500).nullable().default(null);

/** What `nightly` (and `rtm-batch prune`) removes once it is older than its number of days. */
const retentionSchema = z
  .object({
    days: z
      .object({
        /** reports/<runId>/ folders. */
        reports: retentionDays,
        /** Archived copies of files none of whose rows is current, pending or recent. */
        archive: retentionDays,
        quarantine: retentionDays,
        /** Results files in outbox/<partner>/ (written again whenever their rows change). */
        outbox: retentionDays,
        /** Run history, schedule fires and the row outcomes of files whose archive may go. */
        ledger: retentionDays,
      })
      .strict()
      .default({ reports: null, archive: null, quarantine: null, outbox: null, ledger: null }),
  })
  .strict();

/** Billing reconciliation (issue 22): how long to wait for Webex's reports, and whether to delete them. */
const billingSchema = z
  .object({
    /** Wait at most this long per report in one run; one still IN_PROGRESS is picked up by the next run. */
    waitSeconds: z.number().min(0).default(300),
    /** Ask for a report's status this often while it is IN_PROGRESS. */
    pollSeconds: z.number().positive().default(5),
    /** Delete each report in Webex once it has been read. */
    deleteReports: z.boolean().default(true),
  })
  .strict();

const lockSchema = z
  .object({
    leaseSeconds: z.number().int().min(5).default(120),
  })
  .strict();

export const configSchema = z
  .object({
    reportLocale: z.enum(LOCALES).default('en'),
    inbox: z
      .object({ stableSeconds: z.number().min(0).default(10) })
      .strict()
      .default({ stableSeconds: 10 }),
    partners: z
      .record(
        z.string().regex(PARTNER_ID, 'must be a folder name of letters, digits, . _ -'),
        partnerSchema,
      )
      .default({}),
    webex: webexSchema.default(webexSchema.parse({})),
    simulator: simulatorSchema.default(simulatorSchema.parse({})),
    database: databaseSchema.optional(),
    logging: loggingSchema.default(loggingSchema.parse({})),
    schedule: scheduleSchema.default(scheduleSchema.parse({})),
    lock: lockSchema.default(lockSchema.parse({})),
    rpl: rplSchema.default(rplSchema.parse({})),
    billing: billingSchema.default(billingSchema.parse({})),
    notify: notifySchema.default(notifySchema.parse({})),
    retention: retentionSchema.default(retentionSchema.parse({})),
  })
  .strict();

export type ConfigFile = z.infer<typeof configSchema>;
export type PartnerConfig = z.infer<typeof partnerSchema>;
export type WebexConfig = z.infer<typeof webexSchema>;
export type RplConfig = z.infer<typeof rplSchema>;
export type BillingConfig = z.infer<typeof billingSchema>;
export type SimulatorConfig = z.infer<typeof simulatorSchema>;
export type ScheduleConfig = z.infer<typeof scheduleSchema>;
export type NotifyConfig = z.infer<typeof notifySchema>;
export type RetentionConfig = z.infer<typeof retentionSchema>;

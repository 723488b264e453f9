export { loadConfig, partnerConfig, CONFIG_FILE_NAME } from './load-config.ts';
export type { Config, ConfigSources, DatabaseConfig, LoadResult } from './load-config.ts';
export { LOCALES, NOTIFY_STATUSES, PARTNER_ID, SCHEDULED_JOBS } from './schema.ts';
export type {
  BillingConfig,
  Locale,
  NotifyConfig,
  PartnerConfig,
  RetentionConfig,
  RplConfig,
  ScheduleConfig,
  ScheduledJob,
  SimulatorConfig,
  WebexConfig,
} from './schema.ts';

export { loadConfig, partnerConfig, CONFIG_FILE_NAME } from './load-config.ts';
export type { Config, ConfigSources, DatabaseConfig, LoadResult } from './load-config.ts';
export { LOCALES, PARTNER_ID, SCHEDULED_JOBS } from './schema.ts';
export type {
  Locale,
  PartnerConfig,
  RplConfig,
  ScheduleConfig,
  ScheduledJob,
  SimulatorConfig,
  WebexConfig,
} from './schema.ts';

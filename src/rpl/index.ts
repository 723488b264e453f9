export { readRplCounts, RPL_OVERDUE_MS } from './counts.ts';

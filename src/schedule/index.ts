export { runScheduler } from './scheduler.ts';

export { createClock, fixedClock, runningClock } from './clock.ts';
export type { Clock } from './clock.ts';

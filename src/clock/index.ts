export { createClock, fixedClock, runningClock, wallClock } from './clock.ts';
export type { Clock } from './clock.ts';

export { createClock, fixedClock } from './clock.ts';
export type { Clock } from './clock.ts';

// What cuts a run short, below every capability so any of them may use it: the named crash points
// of the crash tests, and the lock taken over by another run.
export { crashAfterSending, crashPoint } from './crash-points.ts';
export type { CrashPoint } from './crash-points.ts';
export { LeaseLostError } from './lease-lost-error.ts';
export { describePartnerFault, PartnerFolderFault } from './partner-faults.ts';

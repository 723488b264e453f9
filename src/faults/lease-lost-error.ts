/** The run's lock was taken over by another run: this one stops touching shared state (exit 3). */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(runId: string) {
    super(
      `run ${runId} lost its lock to another run (its lease expired and was taken over); it stopped and committed nothing more`,
    );
  }
}

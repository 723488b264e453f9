/** A command or option that is wrong as given: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A command or option that is wrong as given: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A command registered in the contract whose capability has not landed yet: exit 2. */
export class NotBuiltError extends UsageError {
  constructor(command: string, what: string) {
    super(`${command} is not built yet (${what}); nothing was done`);
  }
}

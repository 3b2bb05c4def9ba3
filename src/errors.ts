/** A mistake the user can fix — bad input, bad usage, an invalid config: one clear message, exit code 2. */
export class UserError extends Error {
  /** oclif renders errors carrying this without a stack trace and exits with `exit`. */
  readonly oclif = { exit: 2 }

  constructor(message: string) {
    super(message)
    this.name = new.target.name
  }
}

/** A mistake in how a command was called (an unknown job or command, a bad --from): exit 2. */
export class UsageError extends UserError {}

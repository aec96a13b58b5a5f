/** An error the user can fix: printed as one sentence, exit status 2, no stack. */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
}

/** A mistake in a command's arguments: the sentence is followed by the command's usage line. */
export class CommandLineError extends UsageError {
  override readonly name = 'CommandLineError';
  /** Set by the command dispatcher, which knows which command was run. */
  usage: string | undefined;
}

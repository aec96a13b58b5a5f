/** An error the user can fix: printed as one sentence, exit status 2, no stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

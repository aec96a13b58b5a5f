import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CommandLineError } from './UsageError.js';

/**
 * node:util's parseArgs, with its mistakes said as one sentence: Node's own messages end
 * in hints about '--' and positional arguments that a user of revtel has no use for.
 */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new CommandLineError(sayParseError(error as Error & { code?: string }));
  }
}

function sayParseError(error: Error & { code?: string }): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
  const option = quoted.split(' ')[0]!;
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Unknown option "${option}"`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Unexpected argument "${option}"`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(error.message) ? `${option} takes no value` : `${option} needs a value`;
    default:
      return error.message.split('. ')[0]!;
  }
}

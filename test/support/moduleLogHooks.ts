// The module hooks of moduleLog.ts (they run on Node's loader thread).
import { appendFileSync } from 'node:fs';

let logFile: string | undefined;

export function initialize(file: string | undefined): void {
  logFile = file;
}

type Resolved = { url: string };
export async function resolve(specifier: string, context: unknown, next: (specifier: string, context: unknown) => Promise<Resolved>): Promise<Resolved> {
  const resolved = await next(specifier, context);
  if (logFile) appendFileSync(logFile, `${resolved.url}\n`);
  return resolved;
}

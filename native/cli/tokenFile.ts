import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { UsageError } from './UsageError.js';

const TOKEN = /^[A-Za-z0-9_-]{32,}$/;

/**
 * `--ui-token-file FILE`: the UI token a headless server keeps between restarts, so a
 * bookmarked URL goes on working. Made once, readable by its owner only (0600), then reused;
 * a file others can read is refused, since the token gives control of every line.
 */
export async function readOrCreateToken(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new UsageError(`The UI token file ${path} cannot be read (${code ?? String(error)})`);
    const token = randomBytes(24).toString('base64url');
    try {
      await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
    } catch (writeError) {
      throw new UsageError(`The UI token file ${path} cannot be created (${(writeError as NodeJS.ErrnoException).code ?? String(writeError)}): check that its folder exists and is writable`);
    }
    return token;
  }
  if (((await stat(path)).mode & 0o077) !== 0) throw new UsageError(`The UI token file ${path} can be read by other users: chmod 600 ${path}`);
  const token = text.trim();
  if (!TOKEN.test(token)) throw new UsageError(`The UI token file ${path} does not hold a token (32 or more of A–Z, a–z, 0–9, _ and -): delete it and a new one is made`);
  return token;
}

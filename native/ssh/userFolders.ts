// Where Revtel keeps a user's settings (the known-hosts file) on each platform.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function userConfigDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32' && env['APPDATA']) return join(env['APPDATA'], 'revtel');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'revtel');
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'revtel');
}

export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32' && env['LOCALAPPDATA']) return join(env['LOCALAPPDATA'], 'revtel');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'revtel');
  return join(env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share'), 'revtel');
}

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { uiSettings, type SettingsDto, type UiSettingsDto } from '../api/index.js';

/**
 * The one settings file of a user, in their config folder, shared by the desktop app and
 * `revtel serve`. Written whole to a temporary file and renamed over the old one, so a crash
 * mid-write never leaves half a file. A file that cannot be read is never overwritten: it is
 * renamed aside and the reason is kept to be shown.
 */
export class SettingsFile {
  private current: UiSettingsDto = {};
  /** Why the file could not be read, and where it was put. */
  readonly problem: string | undefined;
  /** False when the file is there but could be neither read nor moved aside: it is left for the user. */
  private readonly writable: boolean = true;

  constructor(readonly path: string = defaultSettingsPath(), now: () => Date = () => new Date()) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.problem = `The settings file ${path} cannot be read (${(error as NodeJS.ErrnoException).code}): Revtel started with default settings and will not save them`;
      this.writable = false;
      return;
    }
    try {
      this.current = uiSettings.parse(JSON.parse(text), 'settings');
    } catch (error) {
      const aside = `${path}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
      const why = error instanceof SyntaxError ? 'it is not valid JSON' : (error as Error).message;
      try {
        renameSync(path, aside);
        this.problem = `The settings file ${path} could not be read (${why}): it was kept as ${aside}, and Revtel started with default settings`;
      } catch {
        this.problem = `The settings file ${path} could not be read (${why}) nor moved aside: Revtel started with default settings and will not save them`;
        this.writable = false;
      }
    }
  }

  get dto(): SettingsDto {
    return { settings: this.current, path: this.path, ...(this.problem ? { problem: this.problem } : {}) };
  }

  get settings(): UiSettingsDto {
    return this.current;
  }

  save(settings: UiSettingsDto): void {
    // A file that could not be read nor moved stays as it is: the user may still recover it.
    if (!this.writable) throw new Error(this.problem);
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.path);
    this.current = settings;
  }
}

/** $XDG_CONFIG_HOME/revtel (~/.config/revtel), ~/Library/Application Support/Revtel, %APPDATA%\Revtel. */
export function defaultSettingsPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Revtel', 'settings.json');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Revtel', 'settings.json');
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'revtel', 'settings.json');
}

import { Emitter } from '../events/Emitter.js';
import { Line, type LineOptions } from './Line.js';
import { checkLinesTogether, sameLine, type LineConfig } from './LineConfig.js';
import { LoginGuard } from './LoginGuard.js';

/**
 * The lines of `revtel serve`. Every change (`apply`, a SIGHUP's `reload`, a line exposed
 * from the UI) moves from one configuration to the next: a line whose configuration is
 * unchanged keeps its device and its sessions, a changed one restarts, a removed one stops.
 * New lines start before anything old stops; if any step fails, every line that ran before
 * runs again, and the error names the line. Lines exposed from the UI are kept across a
 * reload of the file's lines. Changes run one at a time, each from where the one before
 * left the lines (two SIGHUPs in a row, a line exposed from the UI during a reload); once
 * stop() is called, a change under way starts no more lines and later ones are refused.
 */
/** A change refused, or cut short, because revtel is stopping. */
export class StoppingError extends Error {
  override readonly name = 'StoppingError';

  constructor() {
    super('Revtel is stopping: the lines are left as they are');
  }
}

export class TerminalServer {
  private readonly _onLinesChanged = new Emitter<void>();
  /** Lines started or stopped (a reload, the UI): the UI's list follows. */
  readonly onLinesChanged = this._onLinesChanged.event;
  private readonly running = new Map<number, Line>();
  /** TCP ports of the lines exposed from the UI rather than the config file. */
  private readonly fromUi = new Set<number>();
  /** One for every line, so that password guesses spread over lines are counted together. */
  private readonly loginGuard: LoginGuard;
  /** The change under way and those asked for since: never rejects. */
  private changes: Promise<unknown> = Promise.resolve();
  /** stop() was called: no line starts after it. */
  private stopping = false;

  constructor(private readonly options: LineOptions) {
    this.loginGuard = options.loginGuard ?? new LoginGuard(undefined, options.log);
  }

  get lines(): Line[] {
    return [...this.running.values()];
  }

  /**
   * A reload of the file's lines, read by `read` in turn (a SIGHUP's file is read after the
   * reloads before it): the UI's lines stay (a file line on the same port wins).
   */
  reload(read: () => Promise<readonly LineConfig[]>): Promise<void> {
    return this.inTurn(async () => {
      const fileConfigs = await read();
      const filePorts = new Set(fileConfigs.map((config) => config.tcpPort));
      const kept = this.lines.filter((line) => this.fromUi.has(line.config.tcpPort) && !filePorts.has(line.config.tcpPort));
      for (const line of this.lines) {
        if (this.fromUi.has(line.config.tcpPort) && filePorts.has(line.config.tcpPort)) this.options.log(`${line.config.name}: exposed from the UI, now replaced by the config file's line on TCP port ${line.config.tcpPort}`);
      }
      await this.change([...fileConfigs, ...kept.map((line) => line.config)]);
      for (const port of [...this.fromUi]) if (filePorts.has(port)) this.fromUi.delete(port);
    });
  }

  /** A line exposed from the UI (kept across reloads). */
  expose(config: LineConfig): Promise<void> {
    return this.inTurn(async () => {
      await this.change([...this.lines.map((line) => line.config), config]);
      this.fromUi.add(config.tcpPort);
    });
  }

  unexpose(tcpPort: number): Promise<void> {
    return this.inTurn(async () => {
      await this.change(this.lines.map((line) => line.config).filter((config) => config.tcpPort !== tcpPort));
      this.fromUi.delete(tcpPort);
    });
  }

  apply(configs: readonly LineConfig[]): Promise<void> {
    return this.inTurn(() => this.change(configs));
  }

  stop(): Promise<void> {
    this.stopping = true;
    return this.inTurn(async () => {
      const lines = this.lines;
      this.running.clear();
      await Promise.all(lines.map((line) => line.stop()));
    });
  }

  /** Runs `change` once every change asked for before it has ended (well or not). */
  private inTurn<T>(change: () => Promise<T>): Promise<T> {
    const run = this.changes.then(change);
    this.changes = run.catch(() => undefined);
    return run;
  }

  private async change(configs: readonly LineConfig[]): Promise<void> {
    if (this.stopping) throw new StoppingError();
    checkLinesTogether(configs);
    const wanted = new Map(configs.map((config) => [config.tcpPort, config]));
    const replaced = this.lines.filter((line) => !sameLine(wanted.get(line.config.tcpPort) ?? line.config, line.config));
    const removed = this.lines.filter((line) => !wanted.has(line.config.tcpPort));
    const added = configs.filter((config) => !this.running.has(config.tcpPort));
    const started: Line[] = [];
    const stopped: Line[] = [];
    try {
      // New ports first: nothing old is touched until they listen.
      for (const config of added) started.push(await this.startLine(config));
      // A changed line needs its own port and device back: it stops, then its successor starts.
      for (const line of replaced) {
        await line.stop(`[revtel] ${line.config.name} is being reconfigured`);
        stopped.push(line);
        started.push(await this.startLine(wanted.get(line.config.tcpPort)!));
      }
    } catch (error) {
      // Everything that ran before runs again, unchanged; unless revtel is stopping, and
      // the lines this change stopped stay stopped (stop() ends the rest).
      for (const line of started) await line.stop();
      for (const line of stopped) {
        if (this.stopping) {
          this.running.delete(line.config.tcpPort);
          continue;
        }
        await this.startLine(line.config).then(
          (again) => this.running.set(again.config.tcpPort, again),
          (restartError: Error) => this.options.log(`${line.config.name}: could not be started again: ${restartError.message}`),
        );
      }
      this._onLinesChanged.fire();
      throw error;
    }
    for (const line of replaced) this.options.log(`${line.config.name}: configuration changed: restarted`);
    for (const line of removed) {
      this.running.delete(line.config.tcpPort);
      await line.stop(`[revtel] ${line.config.name} was removed`);
      this.options.log(`${line.config.name}: removed`);
    }
    for (const line of started) this.running.set(line.config.tcpPort, line);
    if (started.length + removed.length > 0) this._onLinesChanged.fire();
  }

  private async startLine(config: LineConfig): Promise<Line> {
    if (this.stopping) throw new StoppingError();
    const line = new Line(config, { ...this.options, loginGuard: this.loginGuard });
    await line.start();
    return line;
  }
}

import { Line, type LineOptions } from './Line.js';
import { checkLinesTogether, sameLine, type LineConfig } from './LineConfig.js';
import { LoginGuard } from './LoginGuard.js';

/**
 * The lines of `revtel serve`. `apply` moves from one configuration to the next as
 * SIGHUP asks: a line whose configuration is unchanged keeps its device and its sessions,
 * a changed one restarts, a removed one stops.
 */
export class TerminalServer {
  private readonly running = new Map<number, Line>();
  /** One for every line, so that password guesses spread over lines are counted together. */
  private readonly loginGuard: LoginGuard;

  constructor(private readonly options: LineOptions) {
    this.loginGuard = options.loginGuard ?? new LoginGuard(undefined, options.log);
  }

  get lines(): Line[] {
    return [...this.running.values()];
  }

  async apply(configs: readonly LineConfig[]): Promise<void> {
    checkLinesTogether(configs);
    const wanted = new Map(configs.map((config) => [config.tcpPort, config]));
    for (const [port, line] of this.running) {
      const next = wanted.get(port);
      if (next && sameLine(next, line.config)) continue;
      this.running.delete(port);
      await line.stop(next ? `[revtel] ${line.config.name} is being reconfigured` : `[revtel] ${line.config.name} was removed`);
      this.options.log(`${line.config.name}: ${next ? 'configuration changed: restarting' : 'removed'}`);
    }
    const started: Line[] = [];
    try {
      for (const config of configs) {
        if (this.running.has(config.tcpPort)) continue;
        const line = new Line(config, { ...this.options, loginGuard: this.loginGuard });
        await line.start();
        this.running.set(config.tcpPort, line);
        started.push(line);
      }
    } catch (error) {
      // All or nothing for the new lines: one bad port must not leave half a configuration.
      for (const line of started) {
        this.running.delete(line.config.tcpPort);
        await line.stop();
      }
      throw error;
    }
  }

  async stop(): Promise<void> {
    const lines = this.lines;
    this.running.clear();
    await Promise.all(lines.map((line) => line.stop()));
  }
}

// A real terminal for tests: one private tmux server per test process (its own socket
// name), windows of a given size, keys typed as a user types them, the screen read back.
import { execFileSync } from 'node:child_process';

export class Tmux {
  private readonly socket = `revtel-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  /** Starts `command` in a new window `name` of `cols`×`rows`. */
  start(name: string, command: string, cols = 100, rows = 30): void {
    this.tmux('new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows), command);
  }

  /** Types keys (tmux key names such as Enter and C-c, or literal text). */
  keys(name: string, ...keys: string[]): void {
    this.tmux('send-keys', '-t', name, ...keys);
  }

  /** Types text literally, without tmux reading key names in it. */
  type(name: string, text: string): void {
    this.tmux('send-keys', '-t', name, '-l', text);
  }

  resize(name: string, cols: number, rows: number): void {
    this.tmux('resize-window', '-t', name, '-x', String(cols), '-y', String(rows));
  }

  /** The visible screen, lines joined where tmux wrapped them, trailing blanks cut. */
  screen(name: string): string {
    return this.tmux('capture-pane', '-p', '-J', '-t', name).replace(/\s+$/, '');
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // Already gone with its last window.
    }
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args]).toString();
  }
}

import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

// A line's session log: every byte read from the device, each line of it stamped with the
// time it started. Written with writeSync as the bytes arrive, so whatever the device sent
// before a crash or an unplug is already in the file; rotated by size.

export interface SessionLogOptions {
  readonly dir: string;
  /** File name without extension ("line-1"). */
  readonly name: string;
  readonly maxBytes?: number;
  /** Rotated files kept beside the current one (.1 … .N). */
  readonly keep?: number;
  readonly now?: () => Date;
}

const NEWLINE = 0x0a;

export class SessionLog {
  private fd: number;
  private size: number;
  private atLineStart = true;
  private readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly now: () => Date;

  constructor(options: SessionLogOptions) {
    mkdirSync(options.dir, { recursive: true });
    this.path = join(options.dir, `${options.name}.log`);
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.keep = options.keep ?? 5;
    this.now = options.now ?? (() => new Date());
    this.fd = openSync(this.path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  get file(): string {
    return this.path;
  }

  /** Device output: stamped at each line start and written through at once. */
  write(bytes: Uint8Array): void {
    let start = 0;
    while (start < bytes.length) {
      if (this.atLineStart) {
        this.writeRaw(Buffer.from(`[${stamp(this.now())}] `));
        this.atLineStart = false;
      }
      const newline = bytes.indexOf(NEWLINE, start);
      const end = newline === -1 ? bytes.length : newline + 1;
      this.writeRaw(bytes.subarray(start, end));
      if (newline !== -1) this.atLineStart = true;
      // Rotate between lines, unless the device never ends one.
      if (this.size >= this.maxBytes && (this.atLineStart || this.size >= this.maxBytes + 65536)) this.rotate();
      start = end;
    }
  }

  /** A note from Revtel itself (unplugged, replugged), on a line of its own. */
  note(text: string): void {
    if (!this.atLineStart) this.writeRaw(Buffer.from('\n'));
    this.writeRaw(Buffer.from(`[${stamp(this.now())}] [revtel] ${text}\n`));
    this.atLineStart = true;
  }

  close(): void {
    closeSync(this.fd);
  }

  private writeRaw(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    this.size += bytes.length;
  }

  private rotate(): void {
    closeSync(this.fd);
    rmSync(`${this.path}.${this.keep}`, { force: true });
    for (let n = this.keep - 1; n >= 1; n--) {
      if (existsSync(`${this.path}.${n}`)) renameSync(`${this.path}.${n}`, `${this.path}.${n + 1}`);
    }
    renameSync(this.path, `${this.path}.1`);
    this.fd = openSync(this.path, 'a');
    this.size = 0;
  }
}

function stamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// A line's session log: every byte read from the device, each line of it stamped with the
// time it started. Written with writeSync as the bytes arrive (one write for each read from
// the device, its lines and stamps together), so whatever the device sent before a crash or
// an unplug is already in the file; rotated by size. A log that cannot be written (a full
// disk) is reported and tried again with the next bytes: the line itself never stops for
// its log.

export interface SessionLogOptions {
  readonly dir: string;
  /** File name without extension ("line-1"). */
  readonly name: string;
  readonly maxBytes?: number;
  /** Rotated files kept beside the current one (.1 … .N). */
  readonly keep?: number;
  readonly now?: () => Date;
  /** Trouble with the file, and its end, in a sentence each ("cannot write …: no space left on the device"). */
  readonly report?: (message: string) => void;
}

/** The log file cannot be opened; the message says where and why. */
export class SessionLogError extends Error {
  override readonly name = 'SessionLogError';
}

const NEWLINE = 0x0a;

/** The log file's name for a line: "core sw1" and "core/sw1" both give "core-sw1". */
export function sessionLogName(lineName: string): string {
  return lineName.replace(/[^\w.-]+/g, '-');
}

// statfs magic numbers of the kernel's own file systems (linux/magic.h): files there are
// not files, and writing one can hang or spin (/proc/…, /sys/…).
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'], [0x62656572, 'sysfs'], [0x1cd1, 'devpts'], [0x1373, 'devfs'], [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'], [0x64626720, 'debugfs'], [0x74726163, 'tracefs'], [0x73636673, 'securityfs'],
  [0x62656570, 'configfs'], [0xcafe4a11, 'bpf'], [0xde5e81e4, 'efivarfs'], [0x6165676c, 'pstore'],
]);

/** Why `dir` cannot hold session logs, if it is on a kernel pseudo-file-system such as /proc. */
export function logDirProblem(dir: string): string | undefined {
  let existing = resolve(dir);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  let type: number;
  try {
    type = statfsSync(existing).type;
  } catch {
    return undefined;
  }
  const name = PSEUDO_FILE_SYSTEMS.get(type);
  return name ? `the log folder ${dir} is on the kernel's ${name} file system, which holds no real files — pick a folder on a disk` : undefined;
}

export class SessionLog {
  private fd: number;
  private size: number;
  private atLineStart = true;
  private readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly now: () => Date;
  private readonly report: (message: string) => void;
  /** The size at which the file is rotated next (later, after a rotation failed). */
  private rotateAt: number;
  /** Writing has failed, and not worked again since. */
  private failing = false;
  /** Device bytes given to the log while it was failing. */
  private unlogged = 0;
  /** The last line stamp made, and the time it says. */
  private stamped = { time: NaN, bytes: Buffer.alloc(0) };

  constructor(options: SessionLogOptions) {
    this.path = join(options.dir, `${options.name}.log`);
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.keep = options.keep ?? 5;
    this.now = options.now ?? (() => new Date());
    this.report = options.report ?? (() => {});
    this.rotateAt = this.maxBytes;
    try {
      mkdirSync(options.dir, { recursive: true });
      this.fd = openSync(this.path, 'a');
      this.size = fstatSync(this.fd).size;
    } catch (error) {
      throw new SessionLogError(`the session log ${this.path} cannot be written: ${describeFsError(error)}`);
    }
  }

  get file(): string {
    return this.path;
  }

  /** Device output: stamped at each line start and written through at once. */
  write(bytes: Uint8Array): void {
    this.guarded(() => this.writeStamped(bytes), bytes.length);
  }

  /** A note from Revtel itself (unplugged, replugged), on a line of its own. */
  note(text: string): void {
    this.guarded(() => {
      if (!this.atLineStart) this.writeRaw(Buffer.from('\n'));
      this.writeRaw(Buffer.from(`[${stamp(this.now())}] [revtel] ${text}\n`));
      this.atLineStart = true;
    }, 0);
  }

  close(): void {
    closeSync(this.fd);
  }

  private guarded(write: () => void, deviceBytes: number): void {
    try {
      if (this.failing) {
        // Said in the log itself, where the gap is.
        this.writeRaw(Buffer.from(`${this.atLineStart ? '' : '\n'}[${stamp(this.now())}] [revtel] up to ${this.unlogged} bytes from the device are missing here: the log could not be written\n`));
        this.atLineStart = true;
        this.report(`writing ${this.path} again; up to ${this.unlogged} bytes are missing from it`);
        this.failing = false;
        this.unlogged = 0;
      }
      write();
    } catch (error) {
      if (!this.failing) this.report(`cannot write ${this.path}: ${describeFsError(error)}; the line goes on, and the log is tried again with each output`);
      this.failing = true;
      this.unlogged += deviceBytes;
    }
  }

  private writeStamped(bytes: Uint8Array): void {
    // The stamped lines are gathered and written at once: a write per line and per stamp
    // was most of the CPU that a device sending many short lines cost.
    const gathered: Uint8Array[] = [];
    let gatheredBytes = 0;
    const gather = (piece: Uint8Array): void => {
      gathered.push(piece);
      gatheredBytes += piece.length;
    };
    const writeGathered = (): void => {
      const data = gathered.length === 1 ? gathered[0]! : Buffer.concat(gathered, gatheredBytes);
      gathered.length = 0;
      gatheredBytes = 0;
      this.writeRaw(data);
    };
    let start = 0;
    while (start < bytes.length) {
      if (this.atLineStart) {
        gather(this.lineStamp());
        this.atLineStart = false;
      }
      const newline = bytes.indexOf(NEWLINE, start);
      const end = newline === -1 ? bytes.length : newline + 1;
      gather(bytes.subarray(start, end));
      if (newline !== -1) this.atLineStart = true;
      // Rotate between lines, unless the device never ends one.
      const size = this.size + gatheredBytes;
      if (size >= this.rotateAt && (this.atLineStart || size >= this.rotateAt + 65536)) {
        writeGathered();
        this.rotate();
      }
      start = end;
    }
    if (gatheredBytes > 0) writeGathered();
  }

  /** The stamp of a line starting now; lines that start in the same millisecond share it (a flood has many). */
  private lineStamp(): Buffer {
    const time = this.now().getTime();
    if (time !== this.stamped.time) this.stamped = { time, bytes: Buffer.from(`[${stamp(new Date(time))}] `) };
    return this.stamped.bytes;
  }

  private writeRaw(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    this.size += bytes.length;
  }

  private rotate(): void {
    try {
      rmSync(`${this.path}.${this.keep}`, { force: true });
      for (let n = this.keep - 1; n >= 1; n--) {
        if (existsSync(`${this.path}.${n}`)) renameSync(`${this.path}.${n}`, `${this.path}.${n + 1}`);
      }
      renameSync(this.path, `${this.path}.1`);
      // The new file first: if it cannot be made, writing goes on into the renamed one.
      const next = openSync(this.path, 'a');
      closeSync(this.fd);
      this.fd = next;
      this.size = 0;
      this.rotateAt = this.maxBytes;
    } catch (error) {
      this.rotateAt = this.size + this.maxBytes;
      this.report(`cannot rotate ${this.path}: ${describeFsError(error)}; it grows on, and rotation is tried again after ${this.maxBytes} more bytes`);
    }
  }
}

function stamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

const FS_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EIO: 'input/output error (is the disk failing?)',
};

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && FS_ERRORS[code]) ?? (error as Error).message;
}

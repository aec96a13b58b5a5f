import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { serialDeviceProblem } from '../serial/devicePath.js';
import { parseSerialSettings, SettingsError, type SerialSettings } from '../serial/serialSettings.js';
import { parseCidr, type Cidr } from './accessList.js';
import { logDirProblem, sessionLogName } from './SessionLog.js';

export type LineProtocol = 'telnet' | 'raw';

/**
 * What happens when a second client connects: `exclusive` refuses it (saying who holds
 * the line), `kick` lets it take over, `shared` lets everyone read and write, `spectate`
 * gives one client the keyboard and lets the others watch.
 */
export type MultiClientPolicy = 'exclusive' | 'kick' | 'shared' | 'spectate';

export interface LineConfig {
  /** "line 1" style name for messages and logs; from the TCP port by default (2001 → line 1). */
  readonly name: string;
  readonly tcpPort: number;
  /** A device path, or "demo" for the in-process demo console. */
  readonly device: string;
  readonly settings: SerialSettings;
  readonly bind: string;
  readonly protocol: LineProtocol;
  readonly multi: MultiClientPolicy;
  readonly maxClients: number;
  readonly allow: readonly Cidr[];
  /** scrypt hash from the password file; no prompt when absent. */
  readonly passwordHash?: string;
  readonly idleTimeoutSeconds?: number;
  /** Text after Revtel's banner line; "none" sends no banner at all. */
  readonly banner?: string;
  readonly logDir?: string;
  /** Lower an FTDI adapter's latency_timer to 1 ms while the port is held (on unless false). */
  readonly lowLatency?: boolean;
  /** Keep what RFC 2217 clients set when the last one leaves, instead of the configured settings. */
  readonly keepRemoteSettings?: boolean;
  /** The line's own SSH port (Cisco/Opengear style), beside the shared `--ssh` listener. */
  readonly sshPort?: number;
  /** SSH users who may only watch; with writers, the only users who may log in at all. */
  readonly readers?: readonly string[];
  /** SSH users who may type (as the multi-client policy allows). */
  readonly writers?: readonly string[];
  /** An authorized_keys file for this line, beside the server's. */
  readonly authorizedKeys?: string;
}

/** A configuration mistake; the message names the setting and what is allowed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const DEFAULT_BIND = '127.0.0.1';

/** Whether a listener on `bind` is reachable from this machine only (what the logs call exposure). */
export function isLoopbackBind(bind: string): boolean {
  return bind === 'localhost' || bind === '::1' || /^127(\.\d{1,3}){3}$/.test(bind);
}
export const DEMO_DEVICE = 'demo';
const MULTI: readonly MultiClientPolicy[] = ['exclusive', 'kick', 'shared', 'spectate'];
export const MAX_IDLE_SECONDS = 24 * 24 * 3600;

/** Cisco's numbering: TCP port 2000+N is async line N. */
function defaultLineName(tcpPort: number): string {
  return tcpPort > 2000 && tcpPort < 3000 ? `line ${tcpPort - 2000}` : `port ${tcpPort}`;
}

/**
 * "2001:/dev/ttyUSB0:9600,8N1" → port, device, settings text. Device paths may hold colons
 * (/dev/serial/by-path/pci-0000:00:14.0-usb-0:1:1.0-port0), so the part after the last
 * colon is the settings only when it begins with a baud rate ("9600" or "9600,…").
 */
export function parseLineSpec(spec: string, exists: (path: string) => boolean = existsSync): { tcpPort: number; device: string; settings?: string } {
  const match = /^(\d+):(.+)$/.exec(spec.trim());
  if (!match) throw new ConfigError(`--line ${spec}: expected TCPPORT:DEVICE[:SETTINGS], e.g. 2001:/dev/ttyUSB0:9600,8N1`);
  const tcpPort = parseTcpPort(match[1]!, `--line ${spec}`);
  const rest = match[2]!;
  const colon = rest.lastIndexOf(':');
  if (colon <= 0) return { tcpPort, device: rest };
  const device = rest.slice(0, colon);
  const last = rest.slice(colon + 1);
  if (/^\d+(,|$)/.test(last)) return { tcpPort, device, settings: last };
  // "/dev/ttyUSB0:9600.8N1" would otherwise wait for ever for a device of that name.
  if (!exists(rest) && exists(device)) {
    throw new ConfigError(`--line ${spec}: "${last}" is not a settings string (expected e.g. 9600,8N1 or 115200,7E1,rtscts)`);
  }
  return { tcpPort, device: rest };
}

export function parseTcpPort(text: string | number, where: string): number {
  // Only digits: Number('') is 0 and Number(true) (YAML's `port: true`) is 1.
  const port = typeof text === 'number' || /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`${where}: "${text}" is not a TCP port (1–65535)`);
  return port;
}

/** The settings a line accepts from flags or from the config file, before defaults. */
export interface LineOptions {
  readonly name?: string;
  readonly settings?: string;
  readonly bind?: string;
  readonly protocol?: string;
  readonly multi?: string;
  readonly maxClients?: number | string;
  readonly allow?: readonly string[];
  readonly idleTimeout?: number | string;
  readonly banner?: string;
  readonly logDir?: string;
  readonly lowLatency?: boolean | string;
  readonly keepRemoteSettings?: boolean | string;
  readonly ssh?: number | string;
  readonly readers?: readonly string[];
  readonly writers?: readonly string[];
  readonly authorizedKeys?: string;
}

/** SSH user names: what may stand in a login name and in an authorized_keys path (%u). */
export const SSH_USER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds and checks one line's configuration; `where` prefixes every error ("--line 2001", "config line 2"). */
export function makeLineConfig(tcpPort: number, device: string, options: LineOptions, where: string, passwordHash?: string): LineConfig {
  const fail = (why: string): never => {
    throw new ConfigError(`${where}: ${why}`);
  };
  let settings: SerialSettings;
  try {
    settings = parseSerialSettings(options.settings ?? '9600,8N1');
  } catch (error) {
    if (error instanceof SettingsError) fail(error.message);
    throw error;
  }
  const protocol = options.protocol ?? 'telnet';
  if (protocol !== 'telnet' && protocol !== 'raw') fail(`protocol "${protocol}" is not telnet or raw`);
  const multi = options.multi ?? 'exclusive';
  if (!MULTI.includes(multi as MultiClientPolicy)) fail(`client policy "${multi}" is not one of ${MULTI.join(', ')}`);
  const maxClients = Number(options.maxClients ?? 8);
  if (!Number.isInteger(maxClients) || maxClients < 1) fail(`max clients "${options.maxClients}" is not a whole number of at least 1`);
  const idle = options.idleTimeout === undefined ? undefined : Number(options.idleTimeout);
  if (idle !== undefined && (!Number.isFinite(idle) || idle < 0)) fail(`idle timeout "${options.idleTimeout}" is not a number of seconds`);
  // Node's timers hold at most 2^31-1 ms (24.8 days); a longer one fires at once.
  if (idle !== undefined && idle > MAX_IDLE_SECONDS) fail(`idle timeout ${options.idleTimeout} s is longer than ${MAX_IDLE_SECONDS} s (24 days); give fewer seconds, or 0 for none`);
  let allow: Cidr[];
  try {
    allow = (options.allow ?? []).map(parseCidr);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (!device) fail('no device');
  const deviceProblem = device === DEMO_DEVICE ? undefined : serialDeviceProblem(device);
  if (deviceProblem) fail(deviceProblem);
  const logDirIssue = options.logDir === undefined ? undefined : logDirProblem(options.logDir);
  if (logDirIssue) fail(logDirIssue);
  const yesNo = (value: boolean | string | undefined, key: string): boolean | undefined => {
    if (value === undefined || typeof value === 'boolean') return value;
    if (/^(true|yes|on)$/i.test(value)) return true;
    if (/^(false|no|off)$/i.test(value)) return false;
    return fail(`${key} "${value}" is not true or false`);
  };
  const sshPort = options.ssh === undefined ? undefined : parseTcpPort(options.ssh, `${where}: ssh`);
  if (sshPort === tcpPort) fail(`ssh port ${sshPort} is the line's telnet port; give it another`);
  const users = (list: readonly string[] | undefined, key: string): readonly string[] | undefined => {
    const bad = list?.find((user) => !SSH_USER_NAME.test(user));
    if (bad !== undefined) fail(`${key}: "${bad}" is not a user name (letters, digits, . _ -)`);
    return list && list.length > 0 ? list : undefined;
  };
  const readers = users(options.readers, 'readers');
  const writers = users(options.writers, 'writers');
  const both = readers?.find((user) => writers?.includes(user));
  if (both !== undefined) fail(`${both} is both a reader and a writer; name them once`);
  const lowLatency = yesNo(options.lowLatency, 'low-latency');
  const keepRemoteSettings = yesNo(options.keepRemoteSettings, 'keep-remote-settings');
  return {
    name: options.name ?? defaultLineName(tcpPort),
    tcpPort,
    device,
    settings,
    bind: options.bind ?? DEFAULT_BIND,
    protocol: protocol as LineProtocol,
    multi: multi as MultiClientPolicy,
    maxClients,
    allow,
    ...(passwordHash ? { passwordHash } : {}),
    ...(idle ? { idleTimeoutSeconds: idle } : {}),
    ...(options.banner !== undefined ? { banner: options.banner } : {}),
    ...(options.logDir !== undefined ? { logDir: options.logDir } : {}),
    ...(lowLatency === false ? { lowLatency } : {}),
    ...(keepRemoteSettings ? { keepRemoteSettings } : {}),
    ...(sshPort !== undefined ? { sshPort } : {}),
    ...(readers ? { readers } : {}),
    ...(writers ? { writers } : {}),
    ...(options.authorizedKeys !== undefined ? { authorizedKeys: options.authorizedKeys } : {}),
  };
}

/**
 * What lines cannot share: a TCP port, a device (two owners of one port would fight over
 * it), and a session log file (names that differ only in what the file name cannot hold).
 */
export function checkLinesTogether(configs: readonly LineConfig[]): void {
  const ports = new Map<number, LineConfig>();
  const devices = new Map<string, LineConfig>();
  const logs = new Map<string, LineConfig>();
  for (const config of configs) {
    for (const port of config.sshPort === undefined ? [config.tcpPort] : [config.tcpPort, config.sshPort]) {
      const samePort = ports.get(port);
      if (samePort) throw new ConfigError(`TCP port ${port} is given to both ${samePort.device} and ${config.device}`);
      ports.set(port, config);
    }
    if (config.device !== DEMO_DEVICE) {
      const device = realDevicePath(config.device);
      const sameDevice = devices.get(device);
      if (sameDevice) throw new ConfigError(`${config.device} is given to both TCP port ${sameDevice.tcpPort} and TCP port ${config.tcpPort}; a device can serve one line — remove one`);
      devices.set(device, config);
    }
    if (config.logDir !== undefined) {
      const file = resolve(config.logDir, `${sessionLogName(config.name)}.log`);
      const sameLog = logs.get(file);
      if (sameLog) throw new ConfigError(`the lines "${sameLog.name}" and "${config.name}" would write one session log, ${file} — rename one of them`);
      logs.set(file, config);
    }
  }
}

/** /dev/serial/by-id/… and /dev/ttyUSB0 are one device. */
function realDevicePath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Two configurations that would run the same line the same way (SIGHUP keeps such a line). */
export function sameLine(a: LineConfig, b: LineConfig): boolean {
  return JSON.stringify(a, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))
    === JSON.stringify(b, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

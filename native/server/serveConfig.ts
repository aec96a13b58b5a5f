import { checkLinesTogether, ConfigError, DEMO_DEVICE, makeLineConfig, parseLineSpec, parseTcpPort, type LineConfig, type LineOptions } from './LineConfig.js';
import { readPasswordFile, PasswordFileError, type PasswordTable } from './passwords.js';

// `revtel serve`'s flags and its YAML config file say the same things; the file can also
// say them per line. Flags are defaults for every line, the file's top level overrides
// them, and a line's own keys override both.
//
//   bind: 0.0.0.0
//   multi: shared
//   lines:
//     - port: 2001
//       device: /dev/ttyUSB0
//       settings: 115200,8N1
//       name: core-sw1
//       allow: [10.0.0.0/8]
//       ssh: 3001                # the line's own SSH port
//       writers: [alice]         # SSH users who may type; readers: may only watch

export interface ServeFlags extends LineOptions {
  readonly lines: readonly string[];
  readonly configFile?: string;
  readonly passwordFile?: string;
  readonly demo: boolean;
  /** `--ssh [ADDR:]PORT`: the one SSH listener that reaches every line as user:line@. */
  readonly sshListener?: string;
  /** `--authorized-keys FILE`: the SSH server's authorized_keys (%u for a file per user). */
  readonly serverAuthorizedKeys?: string;
  /** `--data-dir DIR`: where the SSH host keys are kept. */
  readonly dataDir?: string;
}

const LINE_KEYS = ['name', 'settings', 'bind', 'protocol', 'multi', 'max-clients', 'allow', 'idle-timeout', 'banner', 'log-dir', 'low-latency', 'keep-remote-settings', 'readers', 'writers', 'authorized-keys'] as const;
const TOP_KEYS = new Set<string>([...LINE_KEYS, 'lines', 'password-file', 'demo']);
const PER_LINE_KEYS = new Set<string>([...LINE_KEYS, 'port', 'device', 'ssh']);
const DEMO_PORT = 2001;

/** Every line's configuration, from the flags and the config file; a ConfigError names any mistake. */
export async function loadLineConfigs(flags: ServeFlags): Promise<LineConfig[]> {
  const { values: file, placeOf } = flags.configFile ? await readConfigFile(flags.configFile) : { values: {}, placeOf: () => '' };
  const fileDefaults = lineOptionsFrom(file, (key) => placeOf([key]));
  const defaults: LineOptions = { ...withoutUndefined(flags), ...fileDefaults };
  if (file['password-file'] !== undefined && typeof file['password-file'] !== 'string') throw new ConfigError(`${placeOf(['password-file'])}: password-file must be the path of a file`);
  const passwordFile = (file['password-file'] as string | undefined) ?? flags.passwordFile;
  const passwords = passwordFile ? await readPasswords(passwordFile) : undefined;
  const hashFor = (port: number): string | undefined => passwords?.byPort.get(port) ?? passwords?.default;

  const configs: LineConfig[] = [];
  for (const spec of flags.lines) {
    const { tcpPort, device, settings } = parseLineSpec(spec);
    configs.push(makeLineConfig(tcpPort, device, settings ? { ...defaults, settings } : defaults, `--line ${spec}`, hashFor(tcpPort)));
  }
  const fileLines = file['lines'] ?? [];
  if (!Array.isArray(fileLines)) throw new ConfigError(`${placeOf(['lines'])}: "lines" must be a list`);
  fileLines.forEach((entry: unknown, index) => {
    const at = `${placeOf(['lines', index])}, lines[${index}]`;
    if (typeof entry !== 'object' || entry === null) throw new ConfigError(`${at}: expected port, device and settings`);
    const line = entry as Record<string, unknown>;
    for (const key of Object.keys(line)) {
      if (!PER_LINE_KEYS.has(key)) throw new ConfigError(`${at}: unknown key "${key}" (known: ${[...PER_LINE_KEYS].join(', ')})`);
    }
    if (line['port'] === undefined || typeof line['device'] !== 'string') throw new ConfigError(`${at}: every line needs a port and a device`);
    if (typeof line['port'] !== 'number') throw new ConfigError(`${at}: port ${JSON.stringify(line['port'])} is not a TCP port; write a whole number 1–65535, such as port: 2001`);
    const tcpPort = parseTcpPort(line['port'] as number, at);
    configs.push(makeLineConfig(tcpPort, line['device'], { ...defaults, ...lineOptionsFrom(line, () => at) }, at, hashFor(tcpPort)));
  });
  if (file['demo'] !== undefined && typeof file['demo'] !== 'boolean') throw new ConfigError(`${placeOf(['demo'])}: demo must be true or false`);
  if (flags.demo || file['demo'] === true) {
    configs.push(makeLineConfig(DEMO_PORT, DEMO_DEVICE, defaults, '--demo', hashFor(DEMO_PORT)));
  }
  checkLinesTogether(configs);
  if (configs.length === 0) throw new ConfigError('No lines to serve: give --line TCPPORT:DEVICE[:SETTINGS], --demo or --config FILE');
  return configs;
}

/** A config file's values, and where in it a value is: "revtel.yaml line 7". */
interface ConfigFile {
  readonly values: Record<string, unknown>;
  placeOf(path: readonly (string | number)[]): string;
}

async function readConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    // Like the YAML parser below, node:fs/promises only for a config file.
    text = await (await import('node:fs/promises')).readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`The config file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  // Loaded only for a config file: a server of --line flags does not carry the YAML parser.
  const { LineCounter, parseDocument, YAMLParseError } = await import('yaml');
  const lineCounter = new LineCounter();
  const parsed = parseDocument(text, { lineCounter });
  const problem = parsed.errors[0];
  if (problem) {
    if (problem instanceof YAMLParseError) throw new ConfigError(`${path}: ${problem.message.split('\n')[0]}`);
    throw problem;
  }
  const document: unknown = parsed.toJS();
  const placeOf = (at: readonly (string | number)[]): string => {
    const node = parsed.getIn(at, true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    return offset === undefined ? path : `${path} line ${lineCounter.linePos(offset).line}`;
  };
  if (document === null || document === undefined) return { values: {}, placeOf };
  if (typeof document !== 'object' || Array.isArray(document)) throw new ConfigError(`${path}: expected keys such as "lines:" at the top`);
  for (const key of Object.keys(document)) {
    if (!TOP_KEYS.has(key)) throw new ConfigError(`${placeOf([key])}: unknown key "${key}" (known: ${[...TOP_KEYS].join(', ')})`);
  }
  return { values: document as Record<string, unknown>, placeOf };
}

async function readPasswords(path: string): Promise<PasswordTable> {
  try {
    return await readPasswordFile(path);
  } catch (error) {
    if (error instanceof PasswordFileError) throw new ConfigError(error.message);
    throw error;
  }
}

function lineOptionsFrom(source: Record<string, unknown>, placeOf: (key: string) => string): LineOptions {
  const text = (key: string): string | undefined => {
    const value = source[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    throw new ConfigError(`${placeOf(key)}: "${key}" must be a single value, not ${JSON.stringify(value)}`);
  };
  const flag = (key: string): boolean | string | undefined => {
    const value = source[key];
    return typeof value === 'boolean' ? value : text(key);
  };
  const allow = source['allow'];
  if (allow !== undefined && !(Array.isArray(allow) || typeof allow === 'string')) throw new ConfigError(`${placeOf('allow')}: "allow" must be a list of CIDR ranges`);
  const users = (key: string): string[] | undefined => {
    const value = source[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((user) => typeof user !== 'string')) throw new ConfigError(`${placeOf(key)}: "${key}" must be a list of user names`);
    return value as string[];
  };
  return withoutUndefined({
    name: text('name'),
    settings: text('settings'),
    bind: text('bind'),
    protocol: text('protocol'),
    multi: text('multi'),
    maxClients: text('max-clients'),
    allow: allow === undefined ? undefined : ([] as unknown[]).concat(allow).map((entry) => {
      if (typeof entry !== 'string') throw new ConfigError(`${placeOf('allow')}: allow entry ${JSON.stringify(entry)} is not a CIDR range such as 10.0.0.0/8`);
      return entry;
    }),
    idleTimeout: text('idle-timeout'),
    banner: text('banner'),
    logDir: text('log-dir'),
    lowLatency: flag('low-latency'),
    keepRemoteSettings: flag('keep-remote-settings'),
    ssh: text('ssh'),
    readers: users('readers'),
    writers: users('writers'),
    authorizedKeys: text('authorized-keys'),
  });
}

function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

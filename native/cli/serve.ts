import { fileURLToPath } from 'node:url';
import { ApiError, showText } from '../api/index.js';
import type { PortInfo } from '../serial/portList.js';
import type { DeviceOptions } from '../serial/Device.js';
import { ConfigError, DEFAULT_BIND, isLoopbackBind } from '../server/LineConfig.js';
import { LoginGuard, loginLimitsFromEnvironment } from '../server/LoginGuard.js';
import { loadLineConfigs, type ServeFlags } from '../server/serveConfig.js';
import { StoppingError, TerminalServer } from '../server/TerminalServer.js';
import type { SshGateway, SshListener } from '../server/SshGateway.js';
import type { HubOptions } from '../hub/Hub.js';
import { routeLogin } from '../server/sshRoute.js';
import { userDataDir } from '../ssh/userFolders.js';
import { parseCommandLine } from './args.js';
import { CommandLineError, UsageError } from './UsageError.js';

// What a command line does not ask for is not loaded: the UI server (and its WebSocket
// library) only with --ui, the serial port library only when a port is opened or listed,
// the demo router only when a demo line opens (openDevice), the YAML parser only with
// --config (in serveConfig), the SSH server and its library only with --ssh or a line's
// `ssh:` port, node:crypto only for a password or a token file. A Raspberry Pi has little memory.
const listPorts = async (): Promise<PortInfo[]> => (await import('../serial/portList.js')).listPorts();
const device: DeviceOptions = {
  open: async (path, settings) => (await import('../hub/openDevice.js')).openDevice(path, settings),
  listPorts: async () => (await import('../serial/portList.js')).listPortsForDevices(),
};

export interface UiFlags {
  readonly port: number;
  readonly bind: string;
  /** Where the token is kept between runs (--ui-token-file); a new one each run otherwise. */
  readonly tokenFile?: string;
}

/** `--ui [PORT]` takes an optional value, which parseArgs cannot say: it is taken out first. */
function takeUiFlag(args: readonly string[]): { rest: string[]; ui?: UiFlags } {
  const rest = [...args];
  const at = rest.indexOf('--ui');
  const take = (flag: string): string | undefined => {
    const flagAt = rest.indexOf(flag);
    if (flagAt === -1) return undefined;
    const value = rest[flagAt + 1];
    if (!value || value.startsWith('-')) throw new CommandLineError(`${flag} needs a value`);
    rest.splice(flagAt, 2);
    return value;
  };
  if (at === -1) {
    for (const flag of ['--ui-bind', '--ui-token-file']) if (rest.includes(flag)) throw new CommandLineError(`${flag} goes with --ui`);
    return { rest };
  }
  let port = 8020;
  const next = rest[at + 1];
  const takesValue = next !== undefined && /^\d+$/.test(next);
  if (takesValue) {
    port = Number(next);
    if (port > 65535) throw new CommandLineError(`--ui ${next}: not a TCP port (1–65535, or 0 for any free port)`);
  }
  rest.splice(at, takesValue ? 2 : 1);
  const bind = take('--ui-bind') ?? '127.0.0.1';
  const tokenFile = take('--ui-token-file');
  return { rest, ui: { port, bind, ...(tokenFile === undefined ? {} : { tokenFile }) } };
}

function parseServeArgs(args: readonly string[]): ServeFlags {
  const { values } = parseCommandLine({
    args: [...args],
    allowPositionals: false,
    options: {
      line: { type: 'string', multiple: true },
      bind: { type: 'string' },
      protocol: { type: 'string' },
      multi: { type: 'string' },
      'max-clients': { type: 'string' },
      allow: { type: 'string', multiple: true },
      'password-file': { type: 'string' },
      'idle-timeout': { type: 'string' },
      banner: { type: 'string' },
      'log-dir': { type: 'string' },
      config: { type: 'string' },
      demo: { type: 'boolean' },
      ssh: { type: 'string' },
      'authorized-keys': { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
  return {
    lines: values.line ?? [],
    demo: values.demo === true,
    ...optional('configFile', values.config),
    ...optional('passwordFile', values['password-file']),
    ...optional('bind', values.bind),
    ...optional('protocol', values.protocol),
    ...optional('multi', values.multi),
    ...optional('maxClients', values['max-clients']),
    ...optional('allow', values.allow),
    ...optional('idleTimeout', values['idle-timeout']),
    ...optional('banner', values.banner),
    ...optional('logDir', values['log-dir']),
    ...optional('sshListener', values.ssh),
    ...optional('serverAuthorizedKeys', values['authorized-keys']),
    ...optional('dataDir', values['data-dir']),
  };
}

/** Runs `revtel serve` until SIGINT or SIGTERM. */
export async function runServe(args: readonly string[], version: string): Promise<void> {
  const { rest, ui } = takeUiFlag(args);
  const flags = parseServeArgs(rest);
  // Before anything listens: a token file that cannot be used stops the start.
  const token = ui?.tokenFile === undefined ? undefined : await (await import('./tokenFile.js')).readOrCreateToken(ui.tokenFile);
  const log = (message: string): void => {
    // Every line, whatever it quotes from the network, is one line without control characters.
    process.stderr.write(`${new Date().toISOString()} ${showText(message)}\n`);
  };
  // With the UI, a server without lines is fine: lines can be exposed from the browser.
  const configs = ui && flags.lines.length === 0 && !flags.demo && !flags.configFile ? [] : await asUsage(() => loadLineConfigs(flags));
  // Wrong passwords count per address across telnet and SSH alike.
  const loginGuard = new LoginGuard(loginLimitsFromEnvironment(), log);
  let gateway: Promise<SshGateway> | undefined;
  const ssh = (): Promise<SshGateway> => (gateway ??= import('../server/SshGateway.js').then(({ SshGateway }) => new SshGateway({
    dataDir: flags.dataDir ?? userDataDir(),
    log,
    loginGuard,
    ...(flags.serverAuthorizedKeys ? { authorizedKeys: flags.serverAuthorizedKeys } : {}),
  })));
  const sshAt = flags.sshListener === undefined ? undefined : parseListenAddress(flags.sshListener, flags.bind ?? DEFAULT_BIND);
  const server = new TerminalServer({ device, log, version, ssh, loginGuard });
  await asUsage(() => server.apply(configs));
  let sshListener: SshListener | undefined;
  if (sshAt) {
    sshListener = await asUsage(async () => (await ssh()).listen(sshAt.bind, sshAt.port, (username) => routeLogin(username, server.lines), 'SSH'));
    const exposed = !isLoopbackBind(sshAt.bind);
    log(`SSH listening on ${sshAt.bind}:${sshListener.port} for ${exposed ? 'THE NETWORK' : 'this machine only'}: ssh -p ${sshListener.port} USER:LINE@host`);
    if (exposed) log(`WARNING every line is reachable over SSH from the network on ${sshAt.bind}:${sshListener.port}`);
  }
  let stopUi: (() => Promise<void>) | undefined;
  if (ui) {
    try {
      stopUi = await startUi(server, ui, token, log, { ...(sshAt && sshListener ? { listener: { bind: sshAt.bind, port: sshListener.port } } : {}), gateway: ssh });
    } catch (error) {
      // Serving on without the UI asked for would hide the mistake (and its warnings).
      await server.stop();
      throw error;
    }
  }
  for (const config of configs) {
    if (!isLoopbackBind(config.bind)) {
      const ports = config.sshPort === undefined ? `${config.tcpPort}` : `${config.tcpPort} (and SSH on ${config.sshPort})`;
      log(`WARNING ${config.name} is exposed to the network on ${config.bind}:${ports}${config.allow.length ? ` for ${config.allow.map((cidr) => cidr.text).join(', ')}` : ' to anyone who can reach this machine (limit it with --allow)'}${config.passwordHash ? '' : ', without a password'}`);
    }
  }
  process.on('SIGHUP', () => {
    log('SIGHUP: rereading the configuration');
    // The file is read in the reload's turn: two SIGHUPs in a row end on the second's file.
    server.reload(() => loadLineConfigs(flags)).then(
      () => log('configuration reloaded'),
      (error: Error) => log(error instanceof StoppingError ? 'SIGHUP: not reloaded, revtel is stopping' : `reload failed, every line that ran before runs as it was: ${error.message}`),
    );
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log(`${signal}: stopping`);
      Promise.all([stopUi?.(), server.stop().then(() => sshListener?.close())]).then(() => resolve(), () => resolve());
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

/** "2222", "0.0.0.0:2222" or "[::]:2222"; the address defaults to `bind`. */
function parseListenAddress(text: string, bind: string): { bind: string; port: number } {
  const match = /^(?:\[([^\]]+)\]:|([^:]+):)?(\d+)$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) throw new UsageError(`--ssh ${text}: expected [ADDR:]PORT, e.g. 2222 or 0.0.0.0:2222`);
  return { bind: match[1] ?? match[2] ?? bind, port };
}

async function startUi(server: TerminalServer, ui: UiFlags, token: string | undefined, log: (message: string) => void, sshServer: HubOptions['sshServer']): Promise<() => Promise<void>> {
  const [{ Hub }, { UiServer }] = await Promise.all([import('../hub/Hub.js'), import('../transport/UiServer.js')]);
  const hub = new Hub({ server, device, listPorts, ...(sshServer ? { sshServer } : {}) });
  log(`settings: ${hub.settings.path}`);
  if (hub.settings.problem) log(`WARNING ${hub.settings.problem}`);
  const watching = hub.start();
  const staticDir = fileURLToPath(new URL('../../renderer/', import.meta.url));
  const uiServer = new UiServer({ hub, staticDir, port: ui.port, bind: ui.bind, log, ...(token === undefined ? {} : { token }) });
  let url: string;
  try {
    url = await asUsage(() => uiServer.start());
  } catch (error) {
    watching.dispose();
    await hub.dispose();
    throw error;
  }
  if (!isLoopbackBind(ui.bind)) {
    log(`WARNING the UI is reachable from the network on ${ui.bind}; anyone with the URL below controls every line`);
  }
  log(`UI ready: open ${url}`);
  return async () => {
    watching.dispose();
    await uiServer.stop();
    await hub.dispose();
  };
}

async function asUsage<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ApiError) throw new UsageError(error.message);
    throw error;
  }
}

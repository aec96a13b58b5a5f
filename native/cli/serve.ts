import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ApiError } from '../api/index.js';
import { Hub } from '../hub/Hub.js';
import type { DeviceSupervisorOptions } from '../server/DeviceSupervisor.js';
import { UiServer } from '../transport/UiServer.js';
import { listPorts } from '../serial/portList.js';
import { ConfigError, DEFAULT_BIND } from '../server/LineConfig.js';
import { openDevice } from '../hub/openDevice.js';
import { loadLineConfigs, type ServeFlags } from '../server/serveConfig.js';
import { TerminalServer } from '../server/TerminalServer.js';
import { UsageError } from './UsageError.js';

export const SERVE_USAGE = `revtel serve --line TCPPORT:DEVICE[:SETTINGS] … [--bind ADDR] [--protocol telnet|raw]
             [--multi exclusive|kick|shared|spectate] [--max-clients N] [--allow CIDR …]
             [--password-file FILE] [--idle-timeout SECONDS] [--banner TEXT] [--log-dir DIR]
             [--config FILE] [--demo] [--ui [PORT]] [--ui-bind ADDR]
  Serves each serial device as telnet on its TCP port (2001 → line 1), on 127.0.0.1 unless
  --bind says otherwise. --demo adds a simulated router console on port 2001. --ui serves
  the Revtel UI to a browser (port 8020 by default) and prints the URL with its token.
  SIGHUP rereads the config file; lines whose settings did not change keep their sessions.`;

export interface UiFlags {
  readonly port: number;
  readonly bind: string;
}

/** `--ui [PORT]` takes an optional value, which parseArgs cannot say: it is taken out first. */
function takeUiFlag(args: readonly string[]): { rest: string[]; ui?: UiFlags } {
  const rest = [...args];
  const at = rest.indexOf('--ui');
  if (at === -1) return { rest };
  let port = 8020;
  const next = rest[at + 1];
  const takesValue = next !== undefined && /^\d+$/.test(next);
  if (takesValue) {
    port = Number(next);
    if (port > 65535) throw new UsageError(`--ui ${next}: not a TCP port (1–65535, or 0 for any free port)`);
  }
  rest.splice(at, takesValue ? 2 : 1);
  let bind = '127.0.0.1';
  const bindAt = rest.indexOf('--ui-bind');
  if (bindAt !== -1) {
    bind = rest[bindAt + 1] ?? '';
    if (!bind) throw new UsageError('--ui-bind needs an address');
    rest.splice(bindAt, 2);
  }
  return { rest, ui: { port, bind } };
}

function parseServeArgs(args: readonly string[]): ServeFlags {
  let parsed;
  try {
    parsed = parseArgs({
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
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
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
  };
}

/** Runs `revtel serve` until SIGINT or SIGTERM. */
export async function runServe(args: readonly string[], version: string): Promise<void> {
  const { rest, ui } = takeUiFlag(args);
  const flags = parseServeArgs(rest);
  const log = (message: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${message}\n`);
  };
  // With the UI, a server without lines is fine: lines can be exposed from the browser.
  const configs = ui && flags.lines.length === 0 && !flags.demo && !flags.configFile ? [] : await asUsage(() => loadLineConfigs(flags));
  const device = { open: openDevice, listPorts };
  const server = new TerminalServer({ device, log, version });
  await asUsage(() => server.apply(configs));
  let stopUi: (() => Promise<void>) | undefined;
  if (ui) stopUi = await startUi(server, device, ui, log);
  for (const config of configs) {
    if (config.bind !== DEFAULT_BIND && config.bind !== '::1' && config.bind !== 'localhost') {
      log(`WARNING ${config.name} is exposed to the network on ${config.bind}:${config.tcpPort}${config.allow.length ? ` for ${config.allow.map((cidr) => cidr.text).join(', ')}` : ' to anyone who can reach this machine (limit it with --allow)'}${config.passwordHash ? '' : ', without a password'}`);
    }
  }
  process.on('SIGHUP', () => {
    log('SIGHUP: rereading the configuration');
    loadLineConfigs(flags)
      .then((next) => server.apply(next))
      .then(() => log('configuration reloaded'), (error: Error) => log(`reload failed, keeping what runs: ${error.message}`));
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log(`${signal}: stopping`);
      Promise.all([stopUi?.(), server.stop()]).then(() => resolve(), () => resolve());
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

async function startUi(server: TerminalServer, device: DeviceSupervisorOptions, ui: UiFlags, log: (message: string) => void): Promise<() => Promise<void>> {
  const hub = new Hub({ server, device, listPorts });
  log(`settings: ${hub.settings.path}`);
  if (hub.settings.problem) log(`WARNING ${hub.settings.problem}`);
  const watching = hub.start();
  const staticDir = fileURLToPath(new URL('../../renderer/', import.meta.url));
  const uiServer = new UiServer({ hub, staticDir, port: ui.port, bind: ui.bind, log });
  const url = await asUsage(() => uiServer.start());
  if (ui.bind !== '127.0.0.1' && ui.bind !== '::1' && ui.bind !== 'localhost') {
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

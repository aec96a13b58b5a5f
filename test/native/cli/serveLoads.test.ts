// `revtel serve` loads what its command line uses and nothing else (a Raspberry Pi has
// little memory): the modules a real `revtel serve` loads, logged by a loader hook. The
// `revtel` command is one bundled file (build/bundle.mjs) whose own modules run only when
// imported; what stays out of memory until then are the libraries it requires,
// serialport's native binding and Node's own crypto, so those are what this file watches.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { freePort, scratchDir, startPtyPair, waitFor, type Peer } from '../../support/peers.js';
import { repoPath } from '../../support/repo.js';
import { makeServeHostKeys, startRevtel } from '../../support/revtel.js';

const moduleLog = pathToFileURL(repoPath('dist', 'test', 'support', 'moduleLog.js')).href;

/** Parts loaded on demand, by a file that only they load. */
const PARTS = {
  ssh: /^file:.*\/node_modules\/ssh2\//,
  serialport: /^file:.*\/node_modules\/@serialport\/bindings-cpp\/.*\.node$/,
  ui: /^file:.*\/node_modules\/ws\//,
  yaml: /^file:.*\/node_modules\/yaml\/|\/dist\/native\/cli\/yaml\.cjs$/,
  crypto: /^node:crypto$/,
} as const;
type Part = keyof typeof PARTS;

const peers: Peer[] = [];
after(async () => {
  for (const peer of peers.reverse()) await peer.stop();
});

/** Starts `revtel serve ARGS`, waits until its log matches `ready`, and says which parts it loaded. */
async function partsLoaded(args: readonly string[], ready: RegExp): Promise<Set<Part>> {
  const log = join(scratchDir(), 'modules');
  const served = startRevtel(['serve', ...args], { env: { ...process.env, XDG_CONFIG_HOME: scratchDir(), NODE_OPTIONS: `--import=${moduleLog}`, REVTEL_TEST_MODULE_LOG: log } });
  peers.push(served);
  await waitFor(() => ready.test(served.stderr()) || served.process.exitCode !== null, String(ready));
  assert.match(served.stderr(), ready);
  const urls = existsSync(log) ? readFileSync(log, 'utf8').split('\n') : [];
  await served.stop();
  return new Set((Object.keys(PARTS) as Part[]).filter((part) => urls.some((url) => PARTS[part].test(url))));
}

/**
 * A --data-dir with SSH host keys, made once for the tests that serve SSH: making an RSA key
 * takes a quarter of a CPU-second, seconds on a loaded machine, and the keys are only read.
 */
let dataDir: string | undefined;
function hostKeys(): string {
  if (dataDir === undefined) {
    dataDir = join(scratchDir(), 'data');
    makeServeHostKeys(dataDir);
  }
  return dataDir;
}

describe('revtel serve loads only what its command line asks for', () => {
  it('a serial line without a password: the serial port library, and no SSH, UI, YAML or crypto', async () => {
    const pty = await startPtyPair(scratchDir());
    peers.push(pty);
    const loaded = await partsLoaded(['--line', `${await freePort()}:${pty.device}`], /device \S+ open/);
    assert.deepEqual([...loaded].sort(), ['serialport']);
  });

  it('the demo line: no serial port library, and no crypto', async () => {
    const loaded = await partsLoaded(['--line', `${await freePort()}:demo`], /device demo open/);
    assert.deepEqual([...loaded].sort(), []);
  });

  it('--ssh: the SSH server, its library and crypto', async () => {
    const loaded = await partsLoaded(['--line', `${await freePort()}:demo`, '--ssh', String(await freePort()), '--data-dir', hostKeys()], /SSH listening on/);
    assert.deepEqual([...loaded].sort(), ['crypto', 'ssh']);
  });

  it("--config and --ui: the YAML parser, the UI's WebSocket library, and for a line's own `ssh:` port the SSH server's library", async () => {
    const config = join(scratchDir(), 'revtel.yaml');
    writeFileSync(config, `lines:\n  - port: ${await freePort()}\n    device: demo\n    ssh: ${await freePort()}\n`);
    const loaded = await partsLoaded(['--config', config, '--ui', '0', '--data-dir', hostKeys()], /UI ready/);
    // The UI lists the machine's ports, through serialport where udevadm is installed.
    assert.deepEqual([...loaded].filter((part) => part !== 'serialport').sort(), ['crypto', 'ssh', 'ui', 'yaml']);
  });
});

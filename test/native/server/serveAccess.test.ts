import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../../../native/server/passwords.js';
import { freePort, scratchDir, waitFor } from '../../support/peers.js';
import { startServe, TestClient, type Served } from '../../support/revtel.js';

// Who may use a line of `revtel serve`, end to end against the demo router: the multi-client
// policies, the access list, line passwords and the idle timeout (apart from serve.test, so
// that the two run side by side: most of their time is waiting on timers and clients).

describe('multi-client policies', () => {
  let dir: string;
  let served: Served;
  const ports: Record<string, number> = {};
  before(async () => {
    dir = scratchDir();
    for (const policy of ['exclusive', 'kick', 'shared', 'spectate']) ports[policy] = await freePort();
    const config = join(dir, 'revtel.yaml');
    writeFileSync(config, [
      'lines:',
      ...Object.entries(ports).flatMap(([policy, tcpPort]) => [`  - port: ${tcpPort}`, '    device: demo', `    multi: ${policy}`, `    name: ${policy}`]),
      '',
    ].join('\n'));
    served = await startServe(['--config', config], { listening: 4, open: 4 });
  });
  after(() => served.stop());

  it('exclusive: a second client is told who holds the line and since when', async () => {
    const first = await TestClient.connect(ports['exclusive']!);
    await first.expect('[revtel] exclusive: demo');
    const second = await TestClient.connect(ports['exclusive']!);
    await second.expect(/\[revtel\] exclusive is in use by 127\.0\.0\.1:\d+ since \d\d:\d\d:\d\d UTC \(less than a minute\); try again later/);
    await waitFor(() => second.closed, 'the second client to be closed');
    first.type('\r');
    await first.expect('Router>');
    first.close();
  });

  it('kick: the newcomer takes over and the old client is told', async () => {
    const first = await TestClient.connect(ports['kick']!);
    await first.expect('[revtel] kick: demo');
    const second = await TestClient.connect(ports['kick']!);
    await first.expect(/\[revtel\] kick was taken over by 127\.0\.0\.1:\d+/);
    await waitFor(() => first.closed, 'the first client to be closed');
    second.type('\r');
    await second.expect('Router>');
    second.close();
  });

  it('shared: everyone reads and writes', async () => {
    const a = await TestClient.connect(ports['shared']!);
    const b = await TestClient.connect(ports['shared']!);
    await b.expect('[revtel] shared: demo');
    a.type('\renable\r');
    await b.expect('Router#');
    b.type('show clock\r');
    await a.expect(/Router#show clock\r\n\*\d\d:/);
    a.close();
    b.close();
  });

  it('spectate: one keyboard, the others watch, and the writer hands over with Ctrl-T', async () => {
    const writer = await TestClient.connect(ports['spectate']!);
    await writer.expect('you have the keyboard');
    const watcher = await TestClient.connect(ports['spectate']!);
    await watcher.expect(/you are watching; 127\.0\.0\.1:\d+ has the keyboard/);
    watcher.type('enable\r');
    await watcher.expect("you are watching; the keyboard is someone else's");
    writer.type('\r');
    await watcher.expect('Router>');
    assert.doesNotMatch(watcher.output, /Router#/, "the watcher's typing did not reach the router");
    writer.type('\x14');
    await watcher.expect('you have the keyboard');
    await writer.expect(/the keyboard is now 127\.0\.0\.1:\d+'s/);
    watcher.type('enable\r');
    await writer.expect('Router#');
    writer.close();
    watcher.close();
  });
});

describe('access, passwords and idle sessions', () => {
  let dir: string;
  let served: Served;
  let allowPort: number;
  let passwordPort: number;
  before(async () => {
    dir = scratchDir();
    allowPort = await freePort();
    passwordPort = await freePort();
    const passwords = join(dir, 'passwords');
    writeFileSync(passwords, `# line passwords\n${passwordPort} ${await hashPassword('s3cret')}\n`);
    const config = join(dir, 'revtel.yaml');
    writeFileSync(config, [
      'lines:',
      `  - { port: ${allowPort}, device: demo, allow: [10.0.0.0/8, "fd00::/8"] }`,
      `  - { port: ${passwordPort}, device: demo, idle-timeout: 3 }`,
      `password-file: ${passwords}`,
      '',
    ].join('\n'));
    served = await startServe(['--config', config], { listening: 2, open: 2 });
  });
  after(() => served.stop());

  it('closes a client outside --allow before sending it anything', async () => {
    const received = await new Promise<number>((resolve) => {
      let bytes = 0;
      const socket = connect(allowPort, '127.0.0.1');
      socket.on('data', (chunk) => (bytes += chunk.length));
      socket.on('error', () => {});
      socket.on('close', () => resolve(bytes));
    });
    assert.equal(received, 0);
    await served.waitForLog(/client 127\.0\.0\.1:\d+ refused by the access list/);
  });

  it('asks for the password, refuses a wrong one, admits the right one, and ends an idle session', async () => {
    const client = await TestClient.connect(passwordPort);
    await client.expect('Password: ');
    client.type('guess\r');
    await client.expect('% Wrong password');
    await client.expect(/Password: $/);
    client.type('s3cret\r');
    client.type('\r');
    await client.expect('Router>');
    assert.doesNotMatch(client.output, /s3cret/, 'the password is not echoed');
    // Typing keeps the session: a key every half second for longer than the timeout.
    for (let key = 0; key < 8; key++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      client.type('\r');
    }
    assert.equal(client.closed, false, 'a client that types is not idle');
    assert.doesNotMatch(client.output, /idle for/);
    await client.expect('idle for 3 seconds; disconnected');
    await waitFor(() => client.closed, 'the idle client to be closed');
  });

  it('holds no more of what a client types at the password prompt than a password can be', async () => {
    const rss = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${served.process.pid}/status`, 'utf8'))![1]) * 1024;
    const client = await TestClient.connect(passwordPort);
    await client.expect('Password: ');
    const before = rss();
    // 16 MiB with no line end, then one: a single guess, as far as the prompt knows.
    const junk = Buffer.alloc(1024 * 1024, 'x');
    for (let mib = 0; mib < 16; mib++) client.type(junk.toString('latin1'));
    client.type('\r');
    await client.expect('% Wrong password');
    // Held whole, it took the server ~30 bytes of memory per byte typed.
    assert.ok(rss() - before < 64 * 1024 * 1024, `the server grew by ${((rss() - before) / 1048576).toFixed(0)} MiB`);
    client.close();
  });
});

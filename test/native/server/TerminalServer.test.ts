import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDevice } from '../../../native/hub/openDevice.js';
import { makeLineConfig } from '../../../native/server/LineConfig.js';
import { LOGIN_LIMITS, LoginGuard } from '../../../native/server/LoginGuard.js';
import { hashPassword } from '../../../native/server/passwords.js';
import { StoppingError, TerminalServer } from '../../../native/server/TerminalServer.js';
import { freePort, resetBeforeAccept, scratchDir, settlesWithin, startProcess, WAIT_MS, waitFor } from '../../support/peers.js';
import { TestClient } from '../../support/revtel.js';

// Reloads on real sockets and in-process demo lines.

describe('a reload that fails', () => {
  it('leaves every line that ran before serving, unchanged, and names the line that failed', async () => {
    const log: string[] = [];
    const server = new TerminalServer({ device: { open: openDevice }, log: (line) => log.push(line), version: 'test' });
    const [kept, changed, taken] = [await freePort(), await freePort(), await freePort()];
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
    try {
      await server.apply([
        makeLineConfig(kept, 'demo', { multi: 'shared' }, 'test'),
        makeLineConfig(changed, 'demo', { banner: 'old banner', multi: 'shared' }, 'test'),
      ]);
      // Typing before a line's device is open is discarded (startServe's `open` waits so too).
      await waitFor(() => log.filter((line) => /device \S+ open\b/.test(line)).length >= 2, 'both demo devices to open');
      const session = await TestClient.connect(kept);
      session.type('\r');
      await session.expect('Router>');
      await assert.rejects(server.reload(async () => [
        makeLineConfig(kept, 'demo', { multi: 'shared' }, 'test'),
        makeLineConfig(changed, 'demo', { banner: 'new banner', multi: 'shared' }, 'test'),
        makeLineConfig(taken, 'demo', { name: 'the new line' }, 'test'),
      ]), new RegExp(`the new line: TCP port ${taken} on 127.0.0.1 is already in use`));
      // The changed line still runs its old configuration; the kept one never noticed.
      const again = await TestClient.connect(changed);
      await again.expect('old banner');
      again.close();
      session.type('show clock\r');
      await session.expect(/show clock\r\n\*/);
      assert.equal(session.session.state, 'open');
      assert.deepEqual(server.lines.map((line) => line.config.tcpPort).sort(), [kept, changed].sort());
      session.close();
    } finally {
      blocker.close();
      await server.stop();
    }
  });

  it('a changed line whose new form cannot start runs again as it was', async () => {
    const server = new TerminalServer({ device: { open: openDevice }, log: () => {}, version: 'test' });
    const port = await freePort();
    try {
      await server.apply([makeLineConfig(port, 'demo', { banner: 'old banner' }, 'test')]);
      // The new form asks for an address this machine does not have.
      await assert.rejects(server.reload(async () => [makeLineConfig(port, 'demo', { banner: 'new banner', bind: '192.0.2.1' }, 'test')]), /not an address of this machine/);
      const client = await TestClient.connect(port);
      await client.expect('old banner');
      client.close();
    } finally {
      await server.stop();
    }
  });
});

describe('changes asked for while one is under way', () => {
  const refused = (port: number): Promise<unknown> => assert.rejects(new Promise((resolve, reject) => connect(port, '127.0.0.1').once('connect', resolve).once('error', reject)), /ECONNREFUSED/);

  it('run one after the other: two SIGHUPs in a row end on the file the second one read', async () => {
    const server = new TerminalServer({ device: { open: openDevice }, log: () => {}, version: 'test' });
    const [port, other] = [await freePort(), await freePort()];
    try {
      await server.apply([makeLineConfig(port, 'demo', { banner: 'first' }, 'test')]);
      // The first SIGHUP's file is slow to read (a big file, a slow disk): it is read whole
      // only after the second SIGHUP came.
      let releaseFirstRead!: () => void;
      const firstRead = new Promise<void>((resolve) => (releaseFirstRead = resolve));
      const reloads = Promise.all([
        server.reload(async () => {
          await firstRead;
          return [makeLineConfig(port, 'demo', { banner: 'second' }, 'test'), makeLineConfig(other, 'demo', {}, 'test')];
        }),
        server.reload(async () => [makeLineConfig(port, 'demo', { banner: 'third', maxClients: 1 }, 'test')]),
      ]);
      releaseFirstRead();
      await reloads;
      assert.deepEqual(server.lines.map((line) => [line.config.tcpPort, line.config.banner]), [[port, 'third']]);
      const client = await TestClient.connect(port);
      await client.expect('third');
      client.close();
      await refused(other);
    } finally {
      await server.stop();
    }
  });

  it('once the server stops: a reload under way starts no more lines, and a later one none', async () => {
    const [port, first, second] = [await freePort(), await freePort(), await freePort()];
    const log: string[] = [];
    let stopped: Promise<void> | undefined;
    const server = new TerminalServer({ device: { open: openDevice }, log: (line) => {
      log.push(line);
      // The server is stopped as the reload's first new line starts listening.
      if (line.startsWith(`port ${first}: listening`)) stopped = server.stop();
    }, version: 'test' });
    try {
      await server.apply([makeLineConfig(port, 'demo', {}, 'test')]);
      await assert.rejects(server.reload(async () => [port, first, second].map((tcpPort) => makeLineConfig(tcpPort, 'demo', {}, 'test'))), StoppingError);
      await assert.rejects(server.reload(async () => [makeLineConfig(port, 'demo', { banner: 'after the stop' }, 'test')]), StoppingError);
      await stopped;
      assert.deepEqual(server.lines, []);
      assert.ok(!log.some((line) => line.startsWith(`port ${second}: listening`)), 'the second new line never started');
      for (const tcpPort of [port, first, second]) await refused(tcpPort);
    } finally {
      await (stopped ?? server.stop());
    }
  });
});

describe('lines exposed from the UI', () => {
  it('are kept across a reload of the config file', async () => {
    const server = new TerminalServer({ device: { open: openDevice }, log: () => {}, version: 'test' });
    const [fromFile, fromUi] = [await freePort(), await freePort()];
    let changes = 0;
    server.onLinesChanged(() => changes++);
    try {
      await server.apply([makeLineConfig(fromFile, 'demo', {}, 'test')]);
      await server.expose(makeLineConfig(fromUi, 'demo', {}, 'test'));
      await server.reload(async () => [makeLineConfig(fromFile, 'demo', { banner: 'reloaded' }, 'test')]);
      assert.deepEqual(server.lines.map((line) => line.config.tcpPort).sort(), [fromFile, fromUi].sort());
      assert.ok(changes >= 2, 'the UI was told each time the lines changed');
      const client = await TestClient.connect(fromUi);
      await client.expect('[revtel]');
      client.close();
    } finally {
      await server.stop();
    }
  });
});

describe('a raw line', () => {
  it("carries the device's bytes only: no banner, no [revtel] notices", async () => {
    const server = new TerminalServer({ device: { open: openDevice }, log: () => {}, version: 'test' });
    const port = await freePort();
    try {
      await server.apply([makeLineConfig(port, 'demo', { protocol: 'raw', multi: 'spectate' }, 'test')]);
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write('\r');
      await waitFor(() => text.includes('Router>'), 'the prompt');
      // spectate would tell a telnet client it has the keyboard; a raw stream is left alone.
      assert.doesNotMatch(text, /revtel|keyboard/);
      socket.destroy();
    } finally {
      await server.stop();
    }
  });

  it('sends a banner text the config gives, and nothing of its own', async () => {
    const server = new TerminalServer({ device: { open: openDevice }, log: () => {}, version: 'test' });
    const port = await freePort();
    try {
      await server.apply([makeLineConfig(port, 'demo', { protocol: 'raw', banner: 'lab console 3' }, 'test')]);
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      await waitFor(() => text.includes('lab console 3\r\n'), 'the banner');
      assert.doesNotMatch(text, /revtel/);
      socket.destroy();
    } finally {
      await server.stop();
    }
  });
});

describe('an exclusive line', () => {
  /** A raw TCP connection and the text it has received. */
  const open = (port: number): { socket: Socket; text: () => string } => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    return { socket, text: () => text };
  };

  for (const [how, leave] of [['closes', (socket: Socket) => socket.destroy()], ['resets', (socket: Socket) => socket.resetAndDestroy()]] as const) {
    it(`admits a client that connects as the holder ${how}, both in the same turn of the server's event loop`, async () => {
      const log: string[] = [];
      const server = new TerminalServer({ device: { open: openDevice }, log: (line) => log.push(line), version: 'test' });
      const port = await freePort();
      try {
        await server.apply([makeLineConfig(port, 'demo', {}, 'test')]);
        const holder = open(port);
        await waitFor(() => log.some((line) => /on the line as writer/.test(line)), 'the holder to be on the line');
        // The server is this process: its event loop next looks once the holder's FIN (or
        // RST) and the new connection (made by the kernel, on loopback) are both waiting, as
        // on a loaded machine.
        leave(holder.socket);
        const next = open(port);
        const verdict = (): string | undefined => log.find((line) => line.includes(`:${next.socket.localPort} `) && /on the line|refused/.test(line));
        await waitFor(() => verdict() !== undefined, 'the new client to be admitted or refused');
        assert.match(verdict()!, /on the line as writer/);
        assert.doesNotMatch(next.text(), /in use by/);
        next.socket.destroy();
      } finally {
        await server.stop();
      }
    });
  }
});

describe('a line at its client limit', () => {
  /**
   * A line of one client, held by a python client that reads all it is sent (so that it
   * leaves with a FIN, as a client that quits does); then, while execFileSync holds this
   * process's event loop, a new connection is made (the kernel completes it at once, so the
   * listener is ready first, and Linux's epoll reports it first) and the holder is killed
   * (its FIN follows). A forked python keeps the new connection open and writes what it
   * receives to `received`.
   */
  const swapInOneTurn = async (onLog: (line: string) => void = () => {}) => {
    const log: string[] = [];
    const server = new TerminalServer({ device: { open: openDevice }, log: (line) => {
      log.push(line);
      onLog(line);
    }, version: 'test' });
    const port = await freePort();
    const received = join(scratchDir(), 'received');
    const verdict = (clientPort: string): string | undefined => log.find((line) => line.includes(`127.0.0.1:${clientPort} `) && /on the line|refused/.test(line));
    await server.apply([makeLineConfig(port, 'demo', { multi: 'shared', maxClients: 1 }, 'test')]);
    const holder = startProcess('python3', ['-c', `import socket
s = socket.create_connection(('127.0.0.1', ${port}))
print(s.getsockname()[1], flush=True)
while s.recv(65536): pass`], { stdout: 'pipe' });
    await waitFor(() => /\d+\n/.test(holder.stdout()), 'the holder to connect');
    await waitFor(() => /on the line as writer/.test(verdict(holder.stdout().trim()) ?? ''), 'the holder to be on the line');
    const next = execFileSync('python3', ['-c', `import os, socket, time
s = socket.create_connection(('127.0.0.1', ${port}))
print(s.getsockname()[1], flush=True)
os.kill(${holder.process.pid}, 15)
while open('/proc/${holder.process.pid}/stat').read().split(') ')[1][0] != 'Z': time.sleep(0.001)
if os.fork() == 0:
    for fd in (0, 1, 2): os.close(fd)
    with open(${JSON.stringify(received)}, 'wb', buffering=0) as out:
        while True:
            data = s.recv(65536)
            if not data: break
            out.write(data)
    os._exit(0)`]).toString().trim();
    return { server, verdict: () => verdict(next), received: () => (existsSync(received) ? readFileSync(received, 'latin1') : '') };
  };

  it("admits a client that connects just before the holder leaves, both seen in one turn of the server's event loop", async () => {
    const { server, verdict } = await swapInOneTurn();
    try {
      await waitFor(() => verdict() !== undefined, 'the new client to be admitted or refused');
      assert.match(verdict()!, /on the line as writer/);
    } finally {
      await server.stop();
    }
  });

  it('tells a client still waiting for room that the line is shutting down, and stops', async () => {
    // The line is stopped as the holder's leaving is read: after the new connection's accept, before its admission.
    let stopped: Promise<void> | undefined;
    const { server, verdict, received } = await swapInOneTurn((line) => {
      if (/disconnected/.test(line)) stopped ??= server.stop();
    });
    try {
      await waitFor(() => stopped !== undefined, 'the holder to leave');
      assert.ok(await settlesWithin(stopped!, WAIT_MS), 'the line stopped');
      await waitFor(() => received().includes('is shutting down'), 'the new client to be told');
      assert.equal(verdict(), undefined);
    } finally {
      // Its forked client ends with the connection.
      await (stopped ?? server.stop());
    }
  });
});

describe('a connection reset before the server accepts it', () => {
  for (const [what, options] of [['an open line', {}], ['a line with an access list', { allow: ['127.0.0.1/32'] }], ['a full line', { maxClients: 1 }]] as const) {
    it(`on ${what}, is neither logged nor refused nor counted, and the next client is served`, async () => {
      const log: string[] = [];
      const server = new TerminalServer({ device: { open: openDevice }, log: (line) => log.push(line), version: 'test' });
      const port = await freePort();
      try {
        await server.apply([makeLineConfig(port, 'demo', { multi: 'shared', ...options }, 'test')]);
        const holder = what === 'a full line' ? await TestClient.connect(port) : undefined;
        if (holder) await waitFor(() => log.some((line) => /on the line as writer/.test(line)), 'the first client to be on the line');
        const before = log.length;
        // The accepted sockets have no peer address left to read.
        resetBeforeAccept(port, 2);
        holder?.close();
        if (holder) await waitFor(() => log.some((line) => /disconnected/.test(line)), 'the first client to leave');
        const next = await TestClient.connect(port);
        await next.expect('[revtel]');
        await waitFor(() => log.slice(before).some((line) => /on the line as writer/.test(line)), 'the next client to be on the line');
        next.close();
        assert.deepEqual(log.slice(before).filter((line) => /\?/.test(line) || /refused/.test(line)), []);
      } finally {
        await server.stop();
      }
    });
  }
});

describe('a line password', () => {
  it('is typed as UTF-8, as terminals send it, and a backspace takes back a whole character', async () => {
    const log: string[] = [];
    const server = new TerminalServer({ device: { open: openDevice }, log: (line) => log.push(line), version: 'test' });
    const port = await freePort();
    try {
      await server.apply([makeLineConfig(port, 'demo', {}, 'test', await hashPassword('pässwörd'))]);
      const client = await TestClient.connect(port);
      await client.expect('Password: ');
      // "pä", a mistyped "ö" taken back with DEL, then the rest.
      client.session.write(Buffer.from('päö\x7fsswörd\r', 'utf8'));
      await waitFor(() => log.some((line) => /on the line as writer/.test(line)), 'the client to be admitted');
      assert.doesNotMatch(client.output, /Wrong password/);
      client.close();
    } finally {
      await server.stop();
    }
  });
});

describe('an idle timeout on a line with a password', () => {
  it('does not count the wait after a wrong password: the client is idle only once asked again', async () => {
    const log: string[] = [];
    // The wait after a wrong password is twice the idle timeout.
    const loginGuard = new LoginGuard({ ...LOGIN_LIMITS, firstDelayMs: 600 });
    const server = new TerminalServer({ device: { open: openDevice }, log: (line) => log.push(line), version: 'test', loginGuard });
    const port = await freePort();
    try {
      await server.apply([makeLineConfig(port, 'demo', { idleTimeout: 0.3 }, 'test', await hashPassword('right'))]);
      const client = await TestClient.connect(port);
      await client.expect('Password: ');
      client.type('wrong\r');
      // Counted from the typing, the idle timeout would have ended the session before this prompt.
      await client.expect('% Wrong password\r\nPassword: ');
      assert.doesNotMatch(client.output, /idle for/);
      await client.expect('idle for 0.3 seconds; disconnected');
      assert.ok(log.some((line) => /wrong password \(1 of/.test(line)));
    } finally {
      await server.stop();
    }
  });
});

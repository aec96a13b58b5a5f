import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { Cmd, Opt } from '../../../native/telnet/index.js';
import { WAIT_MS } from '../../support/peers.js';
import { revtelBin } from '../../support/revtel.js';

// A hostile RFC 2217 server: its SIGNATURE carries terminal escapes and a newline, which
// `revtel telnet --trace` must print as visible text on the user's terminal.

describe('revtel telnet --trace and a hostile server', () => {
  it("prints the server's RFC 2217 signature with its control characters escaped", async () => {
    const evil = '\x1b]0;owned\x07\x1b[2J\nrevtel: forged line';
    const server = createServer((socket: Socket) => {
      socket.on('error', () => {});
      let seen = Buffer.alloc(0);
      let answered = false;
      socket.on('data', (chunk: Buffer) => {
        seen = Buffer.concat([seen, chunk]);
        if (!answered && seen.includes(Buffer.from([Cmd.IAC, Cmd.WILL, Opt.COM_PORT]))) {
          answered = true;
          socket.write(Buffer.concat([
            Buffer.from([Cmd.IAC, Cmd.DO, Opt.COM_PORT]),
            Buffer.from([Cmd.IAC, Cmd.SB, Opt.COM_PORT, 100]),
            Buffer.from(evil, 'latin1'),
            Buffer.from([Cmd.IAC, Cmd.SE]),
          ]));
          // Then it hangs up: the client ends on that, not on a quiet spell after its input.
          socket.end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const child = spawn(process.execPath, [revtelBin, 'telnet', '127.0.0.1', String(port), '--trace', '--rfc2217', '9600,8N1', '--negotiate', 'always', '--linger', String(WAIT_MS)]);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('latin1')));
      child.stdout.resume();
      child.stdin.end();
      await new Promise((resolve) => child.on('close', resolve));
      assert.match(stderr, /revtel: remote port .*signature "\\x1b\]0;owned\\x07\\x1b\[2J\\nrevtel: forged line"/);
      assert.doesNotMatch(stderr, /[\x00-\x09\x0b-\x1f\x7f]/, 'no control character but the line ends');
      assert.doesNotMatch(stderr, /^revtel: forged line/m);
    } finally {
      server.close();
    }
  });
});

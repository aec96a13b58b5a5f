import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scratchDir, waitFor } from '../../support/peers.js';
import { repoPath } from '../../support/repo.js';
import { revtelBin as bin } from '../../support/revtel.js';
import { Tmux } from '../../support/tmux.js';
import { concat, parseScript } from '../telnet/telnetScript.js';

// One scripted server sends the same bytes — inetutils telnetd's LINEMODE opening, from the
// golden fixture — to Debian's telnet (inetutils), netkit's (telnet-ssl) and revtel telnet,
// each with `toggle options` on a terminal of the same size. Their traces must be the same
// line for line but for the differences the README lists.
const fixture = readFileSync(repoPath('test', 'fixtures', 'telnet', 'inetutils-telnetd-linemode.script'), 'utf8');
const serverBytes = concat(parseScript(fixture).steps.flatMap((step) => (step.kind === 'recv' ? [step.bytes] : [])));

/** The negotiation lines of a trace (Revtel's stream also carries its own messages). */
const negotiation = (text: string): string[] => text.split('\n').filter((line) => /^(SENT|RCVD) /.test(line));

/** README "Trace differences from the BSD client": Revtel has no Kerberos or encryption. */
function asRevtel(line: string): string[] {
  if (line === 'SENT DO AUTHENTICATION') return ['SENT DONT AUTHENTICATION'];
  if (line === 'SENT DO ENCRYPT') return ['SENT DONT ENCRYPT'];
  if (line.startsWith('SENT IAC SB ENCRYPT ')) return [];
  return [line];
}

/** netkit's own ways, listed in the README beside those: its name for option 39 in a subnegotiation, a shorter SLC table. */
function netkitAsRevtel(line: string): string[] {
  return asRevtel(line.replace(/^(SENT|RCVD) IAC SB ENVIRON /, '$1 IAC SB NEW-ENVIRON ')
    .replace(/ EL VARIABLE 21; XON /, ' EL VARIABLE 21; EW VARIABLE 23; RP VARIABLE 18; LNEXT VARIABLE 22; XON '));
}

describe('revtel telnet beside the BSD-derived clients, fed the same bytes', () => {
  const tmux = new Tmux();
  const dir = scratchDir();
  let server: Server;
  let port: number;
  const traceOf = (name: string): string => join(dir, `${name}.trace`);

  before(async () => {
    // Everything at once, then the end: each client traces all of it and exits, which
    // is also when the reference clients flush their trace files.
    server = createServer((socket) => {
      socket.on('error', () => {});
      socket.end(serverBytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    // The reference clients run `toggle options` from ~/.telnetrc before they connect.
    writeFileSync(join(dir, '.telnetrc'), '127.0.0.1\n toggle options\n');
    const env = `env -u DISPLAY HOME=${dir} TERM=VT100`;
    tmux.start('inetutils', `${env} telnet -n ${traceOf('inetutils')} 127.0.0.1 ${port}; sleep 60`);
    tmux.start('netkit', `${env} telnet-ssl -n ${traceOf('netkit')} 127.0.0.1 ${port}; sleep 60`);
    tmux.start('revtel', `${env} ${process.execPath} ${bin} telnet 127.0.0.1 ${port} --trace --negotiate never 2>${traceOf('revtel')}; sleep 60`);
    const finished = (name: string, last: RegExp): boolean => existsSync(traceOf(name)) && last.test(readFileSync(traceOf(name), 'utf8'));
    const lastLine = /^RCVD IAC SB LINEMODE SLC IP .*XOFF VARIABLE\|ACK 19;$/m;
    await waitFor(() => finished('inetutils', lastLine) && finished('netkit', lastLine) && finished('revtel', /^revtel: Connection closed by/m),
      'all three clients to trace the whole exchange');
  });
  after(() => {
    tmux.kill();
    server.close();
  });

  it('traces as inetutils telnet does, but for refusing AUTHENTICATION and ENCRYPT', () => {
    const reference = negotiation(readFileSync(traceOf('inetutils'), 'utf8'));
    assert.ok(reference.includes('SENT DO AUTHENTICATION'), 'the reference accepts authentication (the listed difference is really there)');
    assert.deepEqual(negotiation(readFileSync(traceOf('revtel'), 'utf8')), reference.flatMap(asRevtel));
  });

  it('traces as netkit telnet does, but for the differences listed for it', () => {
    const reference = negotiation(readFileSync(traceOf('netkit'), 'utf8'));
    assert.ok(reference.some((line) => line.startsWith('RCVD IAC SB ENVIRON ')), 'netkit names option 39 ENVIRON in a subnegotiation');
    assert.deepEqual(negotiation(readFileSync(traceOf('revtel'), 'utf8')), reference.flatMap(netkitAsRevtel));
  });
});

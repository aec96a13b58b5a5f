import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLIENT_POLICY, Cmd, Opt, TelnetEngine, type TelnetEvent } from '../../../native/telnet/index.js';

function engineWithLog(now?: () => number) {
  const events: TelnetEvent[] = [];
  const engine = new TelnetEngine({ policy: CLIENT_POLICY, onEvent: (event) => events.push(event), ...(now ? { now } : {}) });
  return { engine, events };
}

describe('TelnetEngine API', () => {
  it('stamps each trace entry with the caller\'s clock, both directions', () => {
    let clock = 1000;
    const { engine, events } = engineWithLog(() => (clock += 5));
    engine.receive(Uint8Array.of(Cmd.IAC, Cmd.WILL, Opt.ECHO));
    const entries = events.flatMap((event) => (event.type === 'trace' ? [event.entry] : []));
    assert.deepEqual(entries.map((entry) => [entry.time, entry.direction, entry.short]), [
      [1005, 'RCVD', 'RCVD WILL ECHO'],
      [1010, 'SENT', 'SENT DO ECHO'],
    ]);
    assert.deepEqual([...entries[1]!.bytes], [Cmd.IAC, Cmd.DO, Opt.ECHO]);
  });

  it('hands plain text over as a view of the input, without copying', () => {
    const { engine, events } = engineWithLog();
    const chunk = new TextEncoder().encode('Router> show version\r\n');
    engine.receive(chunk);
    assert.equal(events.length, 1);
    const event = events[0]!;
    assert.ok(event.type === 'data' && event.data.buffer === chunk.buffer && event.data.length === chunk.length);
  });

  it('delivers one data event per chunk even when escapes split it', () => {
    const { engine, events } = engineWithLog();
    engine.receive(Uint8Array.of(0x61, Cmd.IAC, Cmd.IAC, 0x62, 13, 0, 0x63));
    assert.deepEqual(events.map((event) => event.type === 'data' && [...event.data]), [[0x61, 0xff, 0x62, 13, 0x63]]);
  });

  it('never modifies the bytes it is given, Node Buffers included', () => {
    const { engine } = engineWithLog();
    const wire = [0x61, Cmd.IAC, Cmd.IAC, 0x62, 13, 0, 0x63, Cmd.IAC, Cmd.NOP, 0x64, Cmd.IAC, Cmd.IAC];
    for (const input of [Buffer.from(wire), Uint8Array.from(wire)]) {
      engine.receive(input);
      assert.deepEqual([...input], wire);
    }
  });

  it('refuses to send negotiation or SB bytes as a plain command', () => {
    const { engine } = engineWithLog();
    for (const command of [Cmd.SE, Cmd.SB, Cmd.WILL, Cmd.DONT, Cmd.IAC, 12]) {
      assert.throws(() => engine.sendCommand(command), RangeError);
    }
    assert.throws(() => engine.enableRemote(Opt.TM), /requestTimingMark/);
  });

  it('reports option state by the RFC 1143 names while a request is in flight', () => {
    const { engine } = engineWithLog();
    engine.enableRemote(Opt.SGA);
    assert.equal(engine.optionState('remote', Opt.SGA), 'wantyes');
    assert.equal(engine.isEnabled('remote', Opt.SGA), false);
    engine.receive(Uint8Array.of(Cmd.IAC, Cmd.WILL, Opt.SGA));
    assert.equal(engine.optionState('remote', Opt.SGA), 'yes');
    assert.equal(engine.isEnabled('remote', Opt.SGA), true);
  });
});

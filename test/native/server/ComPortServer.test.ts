// RFC 2217 bursts against a Device over a FAKE SerialLine whose every operation takes a
// latency the test controls: a fake only to make the ordering deterministic (each step
// waits for the test to release it), so that overlapping requests are certain to overlap.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Emitter } from '../../../native/events/Emitter.js';
import { Device } from '../../../native/serial/Device.js';
import type { ControlLines, ModemLines, SerialLine } from '../../../native/serial/SerialLine.js';
import { DEFAULT_SETTINGS, type SerialSettings } from '../../../native/serial/serialSettings.js';
import { ComPortServer } from '../../../native/server/ComPortServer.js';
import type { Role } from '../../../native/server/roles.js';
import { Control, decodeComPort, encodeComPort, ModemState, type ComPortMessage } from '../../../native/telnet/index.js';

/** A serial line whose operations each wait until the test calls release(); it refuses 7 data bits, like a pty. */
class SlowLine implements SerialLine {
  readonly name = 'slow';
  readonly onData = new Emitter<Uint8Array>().event;
  readonly onLost = new Emitter<Error>().event;
  readonly onDrain = new Emitter<void>().event;
  settings: SerialSettings = DEFAULT_SETTINGS;
  controlLines: ControlLines = { dtr: true, rts: true };
  breakOn = false;
  modem: ModemLines = { cts: true, dsr: true, dcd: false, ri: false };
  /** Operations started and not yet released, oldest first. */
  readonly waiting: { what: string; release: () => void }[] = [];
  readonly log: string[] = [];

  private step(what: string): Promise<void> {
    this.log.push(`start ${what}`);
    return new Promise((resolve) => this.waiting.push({ what, release: () => {
      this.log.push(`end ${what}`);
      resolve();
    } }));
  }

  write(): boolean {
    return true;
  }

  async applySettings(settings: SerialSettings): Promise<void> {
    await this.step(`settings ${settings.dataBits}${settings.parity[0]}${settings.stopBits}`);
    this.settings = { ...settings, dataBits: 8, parity: settings.dataBits === 8 ? settings.parity : this.settings.parity };
    if (settings.dataBits !== 8) throw new Error('8 data bits only');
  }

  async setControlLines(lines: Partial<ControlLines>): Promise<void> {
    await this.step('control');
    this.controlLines = { ...this.controlLines, ...lines };
  }

  async setBreak(on: boolean): Promise<void> {
    await this.step(`break ${on}`);
    this.breakOn = on;
  }

  async readModemLines(): Promise<ModemLines> {
    await this.step('modem');
    return this.modem;
  }

  async purge(): Promise<void> {
    await this.step('purge');
  }

  pause(): void {}
  resume(): void {}
  async close(): Promise<void> {}
}

async function rig(role: Role = 'writer'): Promise<{ line: SlowLine; device: Device; server: ComPortServer; answers: ComPortMessage[]; releaseAll: () => Promise<void> }> {
  const line = new SlowLine();
  const device = new Device('slow', DEFAULT_SETTINGS, { open: async () => line, retryMs: 10 }, false);
  const opened = new Promise<void>((resolve) => device.onStatus((status) => status.kind === 'open' && resolve()));
  device.start();
  // Opening sets DTR/RTS once: let it through.
  while (line.waiting.length === 0) await new Promise((resolve) => setImmediate(resolve));
  line.waiting.shift()!.release();
  await opened;
  line.log.length = 0;
  const answers: ComPortMessage[] = [];
  const server = new ComPortServer({
    device,
    signature: 'test',
    role: () => role,
    send: (payload) => answers.push(decodeComPort(payload)!),
    suspendOutput: () => {},
    log: () => {},
  });
  const releaseAll = async (): Promise<void> => {
    for (let idle = 0; idle < 20; idle++) {
      const next = line.waiting.shift();
      if (next) {
        next.release();
        idle = 0;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { line, device, server, answers, releaseAll };
}

const set = (command: ComPortMessage['command'], value: number): Uint8Array => encodeComPort({ fromServer: false, command, value } as ComPortMessage);

describe('RFC 2217 server side over a Device', () => {
  it("pyserial's burst: each change waits for the one before, and every answer is the state in force", async () => {
    const { line, server, answers, releaseAll, device } = await rig();
    server.receive(set('SET-BAUDRATE', 115200));
    server.receive(set('SET-DATASIZE', 7));
    server.receive(set('SET-PARITY', 3)); // even
    server.receive(set('SET-STOPSIZE', 2));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(line.waiting.length, 1, 'one operation at a time reaches the device');
    await releaseAll();
    assert.deepEqual(line.log.filter((entry) => entry.startsWith('start')), ['start settings 8n1', 'start settings 7n1', 'start settings 8e1', 'start settings 8e2']);
    assert.deepEqual(answers.map((answer) => [answer.command, 'value' in answer ? answer.value : undefined]), [
      ['SET-BAUDRATE', 115200],
      ['SET-DATASIZE', 8], // refused: the unchanged value
      ['SET-PARITY', 3],
      ['SET-STOPSIZE', 2],
    ]);
    assert.deepEqual(device.settings, { baudRate: 115200, dataBits: 8, parity: 'even', stopBits: 2, flowControl: 'none' });
  });

  it('BREAK, DTR and the requests for them tell the truth, in order', async () => {
    const { server, answers, releaseAll } = await rig();
    server.receive(set('SET-CONTROL', Control.BREAK_ON));
    server.receive(set('SET-CONTROL', Control.BREAK_REQUEST));
    server.receive(set('SET-CONTROL', Control.DTR_OFF));
    server.receive(set('SET-CONTROL', Control.DTR_REQUEST));
    server.receive(set('SET-CONTROL', Control.INBOUND_FLOW_REQUEST));
    server.receive(set('SET-CONTROL', Control.BREAK_OFF));
    await releaseAll();
    assert.deepEqual(answers.map((answer) => 'value' in answer && answer.value), [
      Control.BREAK_ON, Control.BREAK_ON, Control.DTR_OFF, Control.DTR_OFF, Control.INBOUND_FLOW_NONE, Control.BREAK_OFF,
    ]);
  });

  it("pyserial's modem-state poll (no value) is answered; notifications honour the mask and RI's trailing edge", async () => {
    const { server, answers, releaseAll, line } = await rig();
    server.receive(Uint8Array.of(7));
    await releaseAll();
    assert.deepEqual(answers.at(-1), { fromServer: true, command: 'NOTIFY-MODEMSTATE', value: ModemState.CTS | ModemState.DSR });
    answers.length = 0;
    server.notifyModemState({ ...line.modem, ri: true });
    server.notifyModemState({ ...line.modem, ri: false });
    assert.deepEqual(answers.map((answer) => 'value' in answer && answer.value), [
      ModemState.CTS | ModemState.DSR | ModemState.RI, // ringing: no edge bit
      ModemState.CTS | ModemState.DSR | ModemState.TRAILING_EDGE_RI,
    ]);
    server.receive(set('SET-MODEMSTATE-MASK', ModemState.DCD));
    await releaseAll();
    answers.length = 0;
    server.notifyModemState({ ...line.modem, cts: false });
    assert.deepEqual(answers, [], 'CTS falls, but the mask asks for DCD only: no notification whose masked state is 0');
  });

  for (const role of ['pending', 'reader'] as const) {
    it(`a ${role}'s commands change nothing on the device and are answered with the state in force`, async () => {
      const { line, server, answers, releaseAll, device } = await rig(role);
      server.receive(set('SET-BAUDRATE', 1));
      server.receive(set('SET-CONTROL', Control.DTR_OFF));
      server.receive(set('SET-CONTROL', Control.BREAK_ON));
      server.receive(set('PURGE-DATA', 3));
      await releaseAll();
      assert.deepEqual(line.log, [], 'nothing reached the device');
      assert.deepEqual(answers.map((answer) => 'value' in answer && answer.value), [9600, Control.DTR_ON, Control.BREAK_OFF, 3]);
      assert.equal(device.settings.baudRate, 9600);
    });
  }
});

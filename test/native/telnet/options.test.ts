import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Cmd,
  Control,
  ModemState,
  Opt,
  Parity,
  TerminalTypeCycle,
  decodeComPort,
  decodeEnviron,
  decodeStatus,
  decodeTerminalSpeed,
  decodeTerminalType,
  decodeWindowSize,
  encodeComPort,
  encodeEnviron,
  encodeStatus,
  encodeTerminalSpeed,
  encodeTerminalType,
  encodeWindowSize,
  optionName,
  shortOptionName,
  bsdCommandName,
  commandName,
  type ComPortMessage,
} from '../../../native/telnet/index.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('option names', () => {
  it('names every command 236–255, DM as BSD prints it (DMARK) and by its RFC mnemonic', () => {
    const names = [];
    for (let command = 236; command <= 255; command++) names.push(commandName(command));
    assert.deepEqual(names, ['EOF', 'SUSP', 'ABORT', 'EOR', 'SE', 'NOP', 'DM', 'BRK', 'IP', 'AO', 'AYT', 'EC', 'EL', 'GA', 'SB', 'WILL', 'WONT', 'DO', 'DONT', 'IAC']);
    assert.equal(bsdCommandName(Cmd.DM), 'DMARK');
    assert.equal(commandName(235), undefined);
  });

  it('uses BSD names, later IANA names, and numbers only for unregistered options', () => {
    assert.equal(optionName(Opt.SGA), 'SUPPRESS GO AHEAD');
    assert.equal(shortOptionName(Opt.SGA), 'SGA');
    assert.equal(optionName(Opt.TTYPE), 'TERMINAL TYPE');
    assert.equal(optionName(Opt.COM_PORT), 'COM-PORT-OPTION');
    assert.equal(optionName(Opt.CHARSET), 'CHARSET');
    assert.equal(optionName(99), undefined);
  });
});

describe('TERMINAL-TYPE (RFC 1091)', () => {
  it('encodes and decodes IS and SEND', () => {
    assert.deepEqual(encodeTerminalType({ kind: 'is', name: 'VT100' }), bytes(0, 0x56, 0x54, 0x31, 0x30, 0x30));
    assert.deepEqual(decodeTerminalType(bytes(1)), { kind: 'send' });
    assert.deepEqual(decodeTerminalType(bytes(0, 0x41)), { kind: 'is', name: 'A' });
    assert.equal(decodeTerminalType(bytes(7)), undefined);
  });

  it('cycles: each type, the last repeated once, then from the top', () => {
    const cycle = new TerminalTypeCycle(['A', 'B']);
    assert.deepEqual(Array.from({ length: 7 }, () => cycle.answer()), ['A', 'B', 'B', 'A', 'B', 'B', 'A']);
    assert.throws(() => new TerminalTypeCycle([]), /at least one/);
  });
});

describe('NAWS (RFC 1073)', () => {
  it('encodes 16-bit sizes, clamping what does not fit', () => {
    assert.deepEqual(encodeWindowSize({ cols: 300, rows: 40 }), bytes(1, 44, 0, 40));
    assert.deepEqual(encodeWindowSize({ cols: 70000, rows: -3 }), bytes(0xff, 0xff, 0, 0));
    assert.deepEqual(decodeWindowSize(bytes(1, 44, 0, 40)), { cols: 300, rows: 40 });
    assert.equal(decodeWindowSize(bytes(1, 44, 0)), undefined);
  });
});

describe('TERMINAL-SPEED (RFC 1079)', () => {
  it('encodes "transmit,receive" and rejects anything else', () => {
    const encoded = encodeTerminalSpeed({ kind: 'is', transmit: 38400, receive: 9600 });
    assert.equal(String.fromCharCode(...encoded.subarray(1)), '38400,9600');
    assert.deepEqual(decodeTerminalSpeed(encoded), { kind: 'is', transmit: 38400, receive: 9600 });
    assert.deepEqual(decodeTerminalSpeed(bytes(1)), { kind: 'send' });
    assert.equal(decodeTerminalSpeed(bytes(0, 0x39)), undefined);
  });
});

describe('NEW-ENVIRON (RFC 1572)', () => {
  it('escapes the control codes inside names and values and decodes them back', () => {
    const message = {
      kind: 'is' as const,
      variables: [
        { type: 'var' as const, name: 'USER', value: 'root' },
        { type: 'uservar' as const, name: 'odd\u0001name', value: '' },
        { type: 'var' as const, name: 'DISPLAY' },
      ],
    };
    const encoded = encodeEnviron(message);
    assert.deepEqual([...encoded.subarray(0, 7)], [0, 0, 0x55, 0x53, 0x45, 0x52, 1]);
    assert.ok(encoded.includes(2), 'the 0x01 in the name is escaped with ESC (2)');
    assert.deepEqual(decodeEnviron(encoded), message);
  });

  it('refuses a VALUE with no variable before it', () => {
    assert.equal(decodeEnviron(bytes(0, 1, 0x41)), undefined);
    assert.equal(decodeEnviron(bytes(9)), undefined);
  });
});

describe('STATUS (RFC 859)', () => {
  it('doubles SE inside the list and undoes it when decoding', () => {
    const message = {
      kind: 'is' as const,
      options: [{ verb: Cmd.WILL, option: Opt.ECHO }, { verb: Cmd.DO, option: Cmd.SE }],
      subnegotiations: [bytes(Opt.NAWS, 0, 80, 0, Cmd.SE)],
    };
    const encoded = encodeStatus(message);
    assert.deepEqual([...encoded], [0, Cmd.WILL, 1, Cmd.DO, Cmd.SE, Cmd.SE, Cmd.SB, 31, 0, 80, 0, Cmd.SE, Cmd.SE, Cmd.SE]);
    assert.deepEqual(decodeStatus(encoded), message);
    assert.equal(decodeStatus(bytes(0, Cmd.WILL)), undefined);
  });
});

describe('COM-PORT-OPTION (RFC 2217)', () => {
  const every: ComPortMessage[] = [
    { fromServer: false, command: 'SIGNATURE', text: 'revtel' },
    { fromServer: false, command: 'SET-BAUDRATE', value: 115200 },
    { fromServer: false, command: 'SET-DATASIZE', value: 7 },
    { fromServer: false, command: 'SET-PARITY', value: Parity.EVEN },
    { fromServer: false, command: 'SET-STOPSIZE', value: 2 },
    { fromServer: false, command: 'SET-CONTROL', value: Control.BREAK_ON },
    { fromServer: false, command: 'NOTIFY-LINESTATE', value: 0x10 },
    { fromServer: false, command: 'NOTIFY-MODEMSTATE', value: ModemState.DCD },
    { fromServer: false, command: 'FLOWCONTROL-SUSPEND' },
    { fromServer: false, command: 'FLOWCONTROL-RESUME' },
    { fromServer: false, command: 'SET-LINESTATE-MASK', value: 0xff },
    { fromServer: false, command: 'SET-MODEMSTATE-MASK', value: 0xf0 },
    { fromServer: false, command: 'PURGE-DATA', value: 3 },
  ];

  it('gives client commands codes 0–12 and server answers 100–112, round trip', () => {
    every.forEach((message, code) => {
      assert.equal(encodeComPort(message)[0], code);
      assert.deepEqual(decodeComPort(encodeComPort(message)), message);
      const answer = { ...message, fromServer: true };
      assert.equal(encodeComPort(answer)[0], code + 100);
      assert.deepEqual(decodeComPort(encodeComPort(answer)), answer);
    });
  });

  it('sends the baud rate as four bytes, big-endian', () => {
    assert.deepEqual(encodeComPort({ fromServer: false, command: 'SET-BAUDRATE', value: 9600 }), bytes(1, 0, 0, 0x25, 0x80));
    assert.deepEqual(decodeComPort(bytes(101, 0x00, 0x0e, 0x10, 0x00)), { fromServer: true, command: 'SET-BAUDRATE', value: 921600 });
  });

  it('rejects unknown codes and wrong lengths', () => {
    assert.equal(decodeComPort(bytes(13)), undefined);
    assert.equal(decodeComPort(bytes(99)), undefined);
    assert.equal(decodeComPort(bytes(1, 0, 0)), undefined);
    assert.equal(decodeComPort(bytes(8, 1)), undefined);
    assert.equal(decodeComPort(bytes()), undefined);
  });
});

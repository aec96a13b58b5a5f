import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSerialSettings, parseSerialSettings } from '../../../native/serial/serialSettings.js';

describe('serial settings strings', () => {
  it('reads the forms terminal-server users write', () => {
    assert.deepEqual(parseSerialSettings('9600'), { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, flowControl: 'none' });
    assert.deepEqual(parseSerialSettings('115200,7E1,rtscts'), { baudRate: 115200, dataBits: 7, parity: 'even', stopBits: 1, flowControl: 'rtscts' });
    assert.deepEqual(parseSerialSettings(' 250000, 5m1.5 ,XONXOFF'), { baudRate: 250000, dataBits: 5, parity: 'mark', stopBits: 1.5, flowControl: 'xonxoff' });
    assert.equal(parseSerialSettings('74880,6S2').parity, 'space');
  });

  it('writes them back the same way', () => {
    for (const text of ['9600,8N1', '115200,7E1,rtscts', '2400,5O1.5,xonxoff']) {
      assert.equal(formatSerialSettings(parseSerialSettings(text)), text);
    }
  });

  it('names what is wrong in a bad string', () => {
    const cases: [string, RegExp][] = [
      ['fast', /the baud rate "fast" is not a whole number/],
      ['9600,8X1', /parity "X" is not one of N, E, O, M, S/],
      ['9600,9N1', /9 data bits: use 5, 6, 7 or 8/],
      ['9600,8N3', /"8N3" is not data bits, parity and stop bits such as 8N1/],
      ['9600,8N1,cts', /flow control "cts" is not none, rtscts or xonxoff/],
      ['10', /the baud rate 10 is outside 50–20000000/],
      ['9600,8N1,none,extra', /too many fields/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseSerialSettings(text), (error: Error) => error.name === 'SettingsError' && message.test(error.message) && error.message.includes(`"${text}"`));
    }
  });
});

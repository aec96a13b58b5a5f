import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseLineSpec } from '../../../native/server/LineConfig.js';
import { loadLineConfigs, type ServeFlags } from '../../../native/server/serveConfig.js';
import { hashPassword } from '../../../native/server/passwords.js';
import { scratchDir } from '../../support/peers.js';

const flags = (more: Partial<ServeFlags>): ServeFlags => ({ lines: [], demo: false, ...more });

function configFile(text: string): string {
  const path = join(scratchDir(), 'revtel.yaml');
  writeFileSync(path, text);
  return path;
}

describe('revtel serve configuration', () => {
  it('reads --line specs with Cisco line names and loopback by default', async () => {
    const [line] = await loadLineConfigs(flags({ lines: ['2003:/dev/ttyUSB0:115200,7E1,rtscts'] }));
    assert.equal(line!.name, 'line 3');
    assert.equal(line!.device, '/dev/ttyUSB0');
    assert.equal(line!.bind, '127.0.0.1');
    assert.deepEqual(line!.settings, { baudRate: 115200, dataBits: 7, parity: 'even', stopBits: 1, flowControl: 'rtscts' });
    assert.equal(line!.multi, 'exclusive');
  });

  it('takes device paths with colons, as /dev/serial/by-path names have, with or without settings', async () => {
    const byPath = '/dev/serial/by-path/pci-0000:00:14.0-usb-0:1:1.0-port0';
    const otherPath = byPath.replace('port0', 'port1');
    const [bare, set] = await loadLineConfigs(flags({ lines: [`2001:${byPath}`, `2002:${otherPath}:115200,8N1`] }));
    assert.equal(bare!.device, byPath);
    assert.equal(bare!.settings.baudRate, 9600);
    assert.equal(set!.device, otherPath);
    assert.equal(set!.settings.baudRate, 115200);
    assert.equal(parseLineSpec('2003:COM3:9600').device, 'COM3');
    assert.equal(parseLineSpec('2003:COM3:9600').settings, '9600');
  });

  it('lets the file override the flags, and a line override the file', async () => {
    const path = configFile([
      'multi: shared',
      'allow: [10.0.0.0/8]',
      'lines:',
      '  - port: 2001',
      '    device: /dev/ttyUSB0',
      '  - { port: 2002, device: /dev/ttyUSB1, multi: spectate, settings: "19200,8N1", banner: rack 2 }',
    ].join('\n'));
    const configs = await loadLineConfigs(flags({ configFile: path, multi: 'kick', bind: '0.0.0.0' }));
    assert.deepEqual(configs.map((config) => [config.name, config.multi, config.bind, config.settings.baudRate, config.banner]), [
      ['line 1', 'shared', '0.0.0.0', 9600, undefined],
      ['line 2', 'spectate', '0.0.0.0', 19200, 'rack 2'],
    ]);
    assert.deepEqual(configs[0]!.allow.map((cidr) => cidr.text), ['10.0.0.0/8']);
  });

  it('gives each line its password from the file, by port or for all', async () => {
    const dir = scratchDir();
    const [one, all] = [await hashPassword('one'), await hashPassword('all')];
    writeFileSync(join(dir, 'passwords'), `2001 ${one}\n${all}\n`);
    const configs = await loadLineConfigs(flags({ lines: ['2001:/dev/a', '2002:/dev/b'], passwordFile: join(dir, 'passwords') }));
    assert.deepEqual(configs.map((config) => config.passwordHash), [one, all]);
  });

  it('says exactly what is wrong', async () => {
    const cases: [Partial<ServeFlags>, RegExp][] = [
      [{ lines: ['2001'] }, /^--line 2001: expected TCPPORT:DEVICE\[:SETTINGS\]/],
      [{ lines: ['2001:/dev/null:9600.8N1'] }, /^--line 2001:\/dev\/null:9600\.8N1: "9600\.8N1" is not a settings string/],
      [{ lines: ['2001:/dev/null:fast'] }, /"fast" is not a settings string/],
      [{ lines: ['2001:/dev/null:9600,9N1'] }, /9 data bits: use 5, 6, 7 or 8/],
      [{ lines: ['70000:/dev/x'] }, /"70000" is not a TCP port/],
      [{ lines: ['2001:/dev/a', '2001:/dev/b'] }, /^TCP port 2001 is given to both \/dev\/a and \/dev\/b$/],
      [{ lines: ['2001:/dev/a'], maxClients: 'many' }, /max clients "many" is not a whole number/],
      [{ lines: ['2001:/dev/a'], protocol: 'ssh' }, /protocol "ssh" is not telnet or raw/],
      [{ lines: ['2001:/dev/a'], allow: ['10.0.0.0/40'] }, /the prefix length must be 0–32/],
      [{ configFile: '/no/such/revtel.yaml' }, /^The config file \/no\/such\/revtel\.yaml cannot be read \(ENOENT\)$/],
      [{ configFile: configFile('lines:\n  - port: 2001\n    device: [x\n') }, /revtel\.yaml: Flow sequence in block collection must be sufficiently indented and end with a \] at line 4, column 1\.$/],
      [{ configFile: configFile('lines:\n  - { port: 2001, device: /dev/a, baud: 9600 }\n') }, /lines\[0\]: unknown key "baud"/],
      [{ configFile: configFile('line:\n  - { port: 2001 }\n') }, /unknown key "line"/],
      [{ lines: ['2001:/dev/a'], passwordFile: '/no/such/passwords' }, /password file \/no\/such\/passwords cannot be read/],
    ];
    for (const [more, message] of cases) {
      await assert.rejects(loadLineConfigs(flags(more)), (error: Error) => error.name === 'ConfigError' && message.test(error.message), JSON.stringify(more));
    }
  });

  it('fails closed on every input that used to be read as something else', async () => {
    const hash = await hashPassword('x');
    const passwordFile = (text: string): string => {
      const path = join(scratchDir(), 'passwords');
      writeFileSync(path, text);
      return path;
    };
    const cases: [Partial<ServeFlags>, RegExp][] = [
      // Read as /0 before, admitting every IPv4 address.
      [{ lines: ['2001:/dev/a'], allow: ['10.0.0.0/'] }, /"10\.0\.0\.0\/": the prefix length must be 0–32/],
      [{ lines: ['2001:/dev/a'], allow: ['192.168.1.0/ '] }, /the prefix length must be 0–32/],
      [{ lines: ['2001:/dev/a'], allow: ['fd00::/+8'] }, /the prefix length must be 0–128/],
      // Stored under port NaN before: the line was served with no password.
      [{ lines: ['2001:/dev/a'], passwordFile: passwordFile(`# ports\n41390: ${hash}\n`) }, /passwords line 2: "41390:" is not a TCP port \(1–65535\); write "2001 scrypt\$…"/],
      [{ lines: ['2001:/dev/a'], passwordFile: passwordFile(`4139O ${hash}\n`) }, /passwords line 1: "4139O" is not a TCP port/],
      [{ lines: ['2001:/dev/a'], passwordFile: passwordFile(`2001 ${hash}\n2001 ${hash}\n`) }, /passwords line 2: TCP port 2001 has a password already/],
      // YAML types: `port: true` was TCP port 1.
      [{ configFile: configFile('lines:\n  - { port: true, device: /dev/a }\n') }, /revtel\.yaml line 2, lines\[0\]: port true is not a TCP port; write a whole number 1–65535, such as port: 2001$/],
      [{ configFile: configFile('lines:\n  - { port: "", device: /dev/a }\n') }, /lines\[0\]: port "" is not a TCP port/],
      [{ configFile: configFile('lines:\n  - { port: 2001, device: /dev/a, max-clients: true }\n') }, /"max-clients" must be a single value, not true/],
      [{ configFile: configFile('allow: [10.0.0.0/8, 12]\nlines:\n  - { port: 2001, device: /dev/a }\n') }, /revtel\.yaml line 1: allow entry 12 is not a CIDR range/],
      [{ configFile: configFile('demo: yes\n') }, /revtel\.yaml line 1: demo must be true or false/],
      // A timer of more than 2^31-1 ms fires at once: every client was dropped.
      [{ lines: ['2001:/dev/a'], idleTimeout: '2592000' }, /idle timeout 2592000 s is longer than 2073600 s \(24 days\); give fewer seconds, or 0 for none/],
      // Not serial devices: retried for ever before.
      [{ lines: ['2001:/etc/passwd'] }, /\/etc\/passwd is a file, not a serial device — give a tty such as \/dev\/ttyUSB0/],
      [{ lines: ['2001:/dev/zero'] }, /\/dev\/zero is a character device that is not a terminal, not a serial device/],
      [{ lines: ['2001:/tmp'] }, /\/tmp is a folder, not a serial device/],
      // One device, one owner; one session log file, one line.
      [{ lines: ['2001:/dev/a', '2002:/dev/a'] }, /^\/dev\/a is given to both TCP port 2001 and TCP port 2002; a device can serve one line — remove one$/],
      [{ configFile: configFile('log-dir: /tmp/revtel-logs\nlines:\n  - { port: 2001, device: /dev/a, name: core sw1 }\n  - { port: 2002, device: /dev/b, name: core/sw1 }\n') },
        /the lines "core sw1" and "core\/sw1" would write one session log, \/tmp\/revtel-logs\/core-sw1\.log — rename one of them/],
      // Files there are not files: start-up hung, and SIGHUP spun.
      [{ lines: ['2001:/dev/a'], logDir: '/proc/revtel' }, /the log folder \/proc\/revtel is on the kernel's proc file system, which holds no real files — pick a folder on a disk/],
      [{ lines: ['2001:/dev/a'], logDir: '/sys/kernel' }, /on the kernel's sysfs file system/],
    ];
    for (const [more, message] of cases) {
      await assert.rejects(loadLineConfigs(flags(more)), (error: Error) => error.name === 'ConfigError' && message.test(error.message), JSON.stringify(more));
    }
  });
});

import { Emitter } from '../events/Emitter.js';

// A simulated Cisco-like router console, so that a trainer without hardware can show
// everything: the prompts, enable, show commands, configure terminal, and a BREAK during
// boot that drops to ROM monitor. It echoes what it is sent, as a console does.

type Mode = 'booting' | 'press-return' | 'user' | 'enable' | 'config' | 'config-if' | 'rommon' | 'confirm-reload';

export interface DemoConsoleOptions {
  readonly hostname?: string;
  /** Milliseconds between boot messages; the window in which a BREAK reaches ROMMON. */
  readonly bootStepMs?: number;
}

const BOOT_STEP_MS = 250;

/**
 * REVTEL_DEMO_BOOT_STEP_MS speeds up (or slows down) the boot of every demo router a
 * process runs — `serve --demo` lines and `demo-device` alike — for tests and live demos.
 */
function bootStepFromEnvironment(): number {
  const text = process.env['REVTEL_DEMO_BOOT_STEP_MS'];
  const value = text === undefined ? NaN : Number(text);
  return Number.isInteger(value) && value > 0 && value <= 10_000 ? value : BOOT_STEP_MS;
}

const BOOT_MESSAGES = [
  'System Bootstrap, Version 15.0(1r)M16, RELEASE SOFTWARE (fc1)',
  'Technical Support: http://www.cisco.com/techsupport',
  'Copyright (c) 2012 by cisco Systems, Inc.',
  '',
  'Total memory size = 512 MB - On-board = 512 MB, DIMM0 = 0 MB',
  'CISCO2901/K9 platform with 524288 Kbytes of main memory',
  'Main memory is configured to 72/-1(On-board/DIMM0) bit mode with ECC disabled',
  '',
  'Readonly ROMMON initialized',
  'program load complete, entry point: 0x80803000, size: 0x1b340',
  'Self decompressing the image : ################################################ [OK]',
];
const BOOTED_MESSAGES = [
  '',
  'Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.7(3)M5, RELEASE SOFTWARE (fc1)',
  'Compiled Wed 10-Jul-19 23:11 by prod_rel_team',
  '',
  'Press RETURN to get started!',
  '',
];

const VERSION = [
  'Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.7(3)M5, RELEASE SOFTWARE (fc1)',
  'Technical Support: http://www.cisco.com/techsupport',
  'Copyright (c) 1986-2019 by Cisco Systems, Inc.',
  '',
  'ROM: System Bootstrap, Version 15.0(1r)M16, RELEASE SOFTWARE (fc1)',
  '',
  '{host} uptime is 3 weeks, 2 days, 4 hours, 12 minutes',
  'System returned to ROM by power-on',
  'System image file is "flash0:c2900-universalk9-mz.SPA.157-3.M5.bin"',
  '',
  'Cisco CISCO2901/K9 (revision 1.0) with 483328K/40960K bytes of memory.',
  'Processor board ID FTX1840ALBS',
  '2 Gigabit Ethernet interfaces',
  '1 terminal line',
  'DRAM configuration is 64 bits wide with parity enabled.',
  '255K bytes of non-volatile configuration memory.',
  '250880K bytes of ATA System CompactFlash 0 (Read/Write)',
  '',
  'Configuration register is 0x2102',
];

const ERASE_ONE = '\b \b';

export class DemoConsole {
  private readonly _onOutput = new Emitter<Uint8Array>();
  readonly onOutput = this._onOutput.event;
  private mode: Mode = 'press-return';
  private hostname: string;
  private line = '';
  private lastWasCr = false;
  private rommonCount = 1;
  private readonly bootStepMs: number;
  private bootTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: DemoConsoleOptions = {}) {
    this.hostname = options.hostname ?? 'Router';
    this.bootStepMs = options.bootStepMs ?? bootStepFromEnvironment();
  }

  /** Power on: the boot messages, one every bootStepMs; a BREAK meanwhile reaches ROMMON. */
  boot(): void {
    this.stop();
    this.mode = 'booting';
    let step = 0;
    const next = (): void => {
      if (step < BOOT_MESSAGES.length) {
        this.print(`${BOOT_MESSAGES[step++]}\r\n`);
        this.bootTimer = setTimeout(next, this.bootStepMs);
      } else {
        this.bootTimer = undefined;
        this.print(BOOTED_MESSAGES.join('\r\n'));
        this.mode = 'press-return';
      }
    };
    next();
  }

  /** A BREAK on the line: during boot it stops the boot in ROM monitor, as on a real router. */
  break(): void {
    if (this.mode !== 'booting') return;
    this.stop();
    this.mode = 'rommon';
    this.print('\r\nmonitor: command "boot" aborted due to user interrupt\r\n');
    this.prompt();
  }

  /** Bytes typed at the console. */
  input(bytes: Uint8Array): void {
    for (const byte of bytes) {
      const afterCr = this.lastWasCr;
      this.lastWasCr = byte === 0x0d;
      if (afterCr && (byte === 0x0a || byte === 0x00)) continue;
      if (this.mode === 'booting') continue;
      if (byte === 0x0d || byte === 0x0a) {
        this.print('\r\n');
        const line = this.line.trim();
        this.line = '';
        this.execute(line);
      } else if (byte === 0x08 || byte === 0x7f) {
        if (this.line.length > 0) {
          this.line = this.line.slice(0, -1);
          this.print(ERASE_ONE);
        }
      } else if (byte === 0x1a && (this.mode === 'config' || this.mode === 'config-if')) {
        this.print('^Z\r\n');
        this.line = '';
        this.mode = 'enable';
        this.prompt();
      } else if (byte >= 0x20 && byte < 0x7f) {
        this.line += String.fromCharCode(byte);
        this.print(String.fromCharCode(byte));
      }
    }
  }

  stop(): void {
    clearTimeout(this.bootTimer);
    this.bootTimer = undefined;
  }

  private execute(line: string): void {
    const words = line.split(/\s+/).filter(Boolean);
    const is = (word: string | undefined, full: string, shortest = 2): boolean =>
      word !== undefined && word.length >= Math.min(shortest, full.length) && full.startsWith(word.toLowerCase());
    switch (this.mode) {
      case 'press-return':
        this.mode = 'user';
        this.print('\r\n');
        break;
      case 'confirm-reload':
        if (line === '' || is(words[0], 'yes', 1) || is(words[0], 'confirm', 1)) {
          this.print('\r\n%SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.\r\n\r\n');
          this.boot();
          return;
        }
        this.mode = 'enable';
        break;
      case 'rommon':
        this.rommon(words);
        return;
      default:
        if (words.length > 0) this.command(words, is);
    }
    this.prompt();
  }

  private command(words: string[], is: (word: string | undefined, full: string, shortest?: number) => boolean): void {
    const [first, second, third] = words;
    const privileged = this.mode !== 'user';
    if (words[0] === '?') {
      this.print(privileged
        ? 'Exec commands:\r\n  configure  disable  exit  reload  show\r\n'
        : 'Exec commands:\r\n  enable  exit  show\r\n');
    } else if (this.mode === 'user' && is(first, 'enable')) {
      this.mode = 'enable';
    } else if (this.mode === 'enable' && is(first, 'disable', 4)) {
      this.mode = 'user';
    } else if ((this.mode === 'user' || this.mode === 'enable') && is(first, 'show') && is(second, 'version', 3)) {
      this.print(VERSION.map((text) => text.replace('{host}', this.hostname)).join('\r\n') + '\r\n');
    } else if (this.mode === 'enable' && is(first, 'show') && is(second, 'running-config', 3)) {
      this.print(this.runningConfig());
    } else if ((this.mode === 'user' || this.mode === 'enable') && is(first, 'show') && is(second, 'clock', 2)) {
      this.print(`*${new Date().toUTCString().slice(17, 25)}.000 UTC ${new Date().toUTCString().slice(0, 16)}\r\n`);
    } else if (this.mode === 'enable' && is(first, 'configure', 4) && (third === undefined) && (second === undefined || is(second, 'terminal', 1))) {
      this.print('Enter configuration commands, one per line.  End with CNTL/Z.\r\n');
      this.mode = 'config';
    } else if (this.mode === 'enable' && is(first, 'reload', 3)) {
      this.print('Proceed with reload? [confirm]');
      this.mode = 'confirm-reload';
    } else if ((this.mode === 'config' || this.mode === 'config-if') && is(first, 'hostname', 4) && second) {
      this.hostname = second;
    } else if ((this.mode === 'config' || this.mode === 'config-if') && is(first, 'interface', 3) && second) {
      this.mode = 'config-if';
    } else if ((this.mode === 'config' || this.mode === 'config-if') && is(first, 'end', 3)) {
      this.mode = 'enable';
    } else if (is(first, 'exit', 3) || is(first, 'logout', 4)) {
      if (this.mode === 'config-if') this.mode = 'config';
      else if (this.mode === 'config') this.mode = 'enable';
      else {
        this.mode = 'press-return';
        this.print(`\r\n${this.hostname} con0 is now available\r\n\r\n\r\n\r\n\r\nPress RETURN to get started.\r\n`);
      }
    } else if (this.mode === 'config' || this.mode === 'config-if') {
      // Configuration lines are accepted as a real router accepts most of them: silently.
    } else {
      this.print(`${' '.repeat(this.promptText().length)}^\r\n% Invalid input detected at '^' marker.\r\n\r\n`);
    }
  }

  private rommon(words: string[]): void {
    const [command] = words;
    if (command === 'boot' || command === 'reset') {
      this.boot();
      return;
    }
    if (command === 'confreg' && words[1]) {
      this.print('\r\nYou must reset or power cycle for new config to take effect\r\n');
    } else if (command !== undefined) {
      this.print(`monitor: command "${command}" not found\r\n`);
    }
    this.rommonCount++;
    this.prompt();
  }

  private promptText(): string {
    switch (this.mode) {
      case 'user': return `${this.hostname}>`;
      case 'enable': return `${this.hostname}#`;
      case 'config': return `${this.hostname}(config)#`;
      case 'config-if': return `${this.hostname}(config-if)#`;
      case 'rommon': return `rommon ${this.rommonCount} > `;
      default: return '';
    }
  }

  private prompt(): void {
    this.print(this.promptText());
  }

  private runningConfig(): string {
    const lines = ['Building configuration...', '', 'Current configuration : 4721 bytes', '!', 'version 15.7', `hostname ${this.hostname}`, '!'];
    for (let port = 0; port < 48; port++) {
      lines.push(`interface GigabitEthernet0/${port}`, ` description access port ${port}`, ' switchport mode access', ` switchport access vlan ${10 + (port % 4)}`, ' spanning-tree portfast', '!');
    }
    lines.push('line con 0', ' logging synchronous', 'line vty 0 4', ' login local', ' transport input ssh', '!', 'end', '');
    return lines.join('\r\n');
  }

  private print(text: string): void {
    this._onOutput.fire(Buffer.from(text, 'latin1'));
  }
}

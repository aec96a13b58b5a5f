import type { Device } from '../serial/Device.js';
import {
  flowControlCode,
  flowControlFromCode,
  isDataBits,
  parityCode,
  parityFromCode,
  stopBitsCode,
  stopBitsFromCode,
} from '../serial/rfc2217Values.js';
import type { FlowControl, SerialSettings } from '../serial/serialSettings.js';
import type { ModemLines } from '../serial/SerialLine.js';
import { Control, ModemState, decodeComPort, encodeComPort, type ComPortMessage } from '../telnet/index.js';
import { comPortAction, may, type Role } from './roles.js';

/** What the RFC 2217 server side of one client needs around it. */
export interface ComPortHost {
  readonly device: Device;
  readonly signature: string;
  /** The client's role when a command arrives: it decides which commands act and which only report. */
  role(): Role;
  send(payload: Uint8Array): void;
  /** FLOWCONTROL-SUSPEND/RESUME: this client's own output only. */
  suspendOutput(suspended: boolean): void;
  log(message: string): void;
}

const NOTIFY_MODEMSTATE = 7;
const INBOUND_CODES: Record<FlowControl, number> = {
  none: Control.INBOUND_FLOW_NONE,
  xonxoff: Control.INBOUND_FLOW_XONXOFF,
  rtscts: Control.INBOUND_FLOW_HARDWARE,
};

/**
 * The server side of RFC 2217 for one client (pyserial's PortManager): every command is
 * answered, in the order received, with the value in force once the Device has carried
 * it out — a refused or failed change answers with the unchanged value. Commands the
 * client's role does not allow change nothing and are answered the same way.
 */
export class ComPortServer {
  private chain: Promise<void> = Promise.resolve();
  private modemMask = 0xff;
  private lineStateMask = 0;
  private lastModemState: number | undefined;

  constructor(private readonly host: ComPortHost) {}

  /** One COM-PORT-OPTION subnegotiation payload from the client. */
  receive(payload: Uint8Array): void {
    // pyserial's poll: NOTIFY-MODEMSTATE with no value, which the codec (rightly) calls short.
    const poll = payload.length === 1 && payload[0] === NOTIFY_MODEMSTATE;
    const message = poll ? undefined : decodeComPort(payload);
    if (!poll && (!message || message.fromServer)) return;
    this.chain = this.chain.then(() => (poll ? this.answerPoll() : this.handle(message!))).catch((error: Error) => {
      this.host.log(`${message?.command ?? 'NOTIFY-MODEMSTATE'} failed: ${error.message}`);
    });
  }

  /** The modem lines changed: a notification, as far as the client's mask asks. */
  notifyModemState(lines: ModemLines): void {
    if (!may(this.host.role(), 'query')) return;
    const state = modemBits(lines);
    const previous = this.lastModemState;
    if (previous === state) return;
    this.lastModemState = state;
    const delta = (bit: number, changed: number): number => ((previous ?? state) ^ state) & bit ? changed : 0;
    // RI's bit is for its trailing edge only: ringing stopped.
    const trailingRi = previous !== undefined && previous & ModemState.RI && !(state & ModemState.RI) ? ModemState.TRAILING_EDGE_RI : 0;
    const value = (state | delta(ModemState.CTS, ModemState.DELTA_CTS) | delta(ModemState.DSR, ModemState.DELTA_DSR)
      | delta(ModemState.DCD, ModemState.DELTA_DCD) | trailingRi) & this.modemMask;
    if (value === 0) return;
    this.reply({ fromServer: true, command: 'NOTIFY-MODEMSTATE', value });
  }

  /** Carries out one command (or, where the role forbids it, nothing) and answers with the value in force. */
  private async handle(message: ComPortMessage): Promise<void> {
    const device = this.host.device;
    const allowed = may(this.host.role(), comPortAction(message));
    if (!allowed) this.host.log(`${message.command} ignored: a ${this.host.role()} may not change the device`);
    const change = async (asked: Partial<SerialSettings>): Promise<SerialSettings> => (allowed ? device.applySettings(asked) : device.settings);
    const answer = (value: number): void => this.reply({ fromServer: true, command: message.command, value } as ComPortMessage);
    switch (message.command) {
      case 'SIGNATURE':
        if (message.text === '') this.reply({ fromServer: true, command: 'SIGNATURE', text: this.host.signature });
        return;
      case 'SET-BAUDRATE':
        answer((message.value === 0 ? device.settings : await change({ baudRate: message.value })).baudRate);
        return;
      case 'SET-DATASIZE':
        answer((isDataBits(message.value) ? await change({ dataBits: message.value }) : device.settings).dataBits);
        return;
      case 'SET-PARITY': {
        const parity = parityFromCode(message.value);
        answer(parityCode((parity ? await change({ parity }) : device.settings).parity));
        return;
      }
      case 'SET-STOPSIZE': {
        const stopBits = stopBitsFromCode(message.value);
        answer(stopBitsCode((stopBits ? await change({ stopBits }) : device.settings).stopBits));
        return;
      }
      case 'SET-CONTROL':
        answer(await this.control(message.value, allowed, change));
        return;
      case 'FLOWCONTROL-SUSPEND':
      case 'FLOWCONTROL-RESUME':
        if (allowed) this.host.suspendOutput(message.command === 'FLOWCONTROL-SUSPEND');
        return;
      case 'SET-MODEMSTATE-MASK':
        this.modemMask = message.value;
        answer(message.value);
        return;
      case 'SET-LINESTATE-MASK':
        // serialport reports no line state (errors, BREAK received): with any mask, nothing is notified.
        this.lineStateMask = message.value;
        answer(this.lineStateMask);
        return;
      case 'PURGE-DATA':
        if (allowed) await device.purge();
        answer(message.value);
        return;
      default:
        // NOTIFY-* with a value come from servers only.
        return;
    }
  }

  /** SET-CONTROL: the value to answer with, the state in force afterwards. */
  private async control(value: number, allowed: boolean, change: (asked: Partial<SerialSettings>) => Promise<SerialSettings>): Promise<number> {
    const device = this.host.device;
    switch (value) {
      case Control.FLOW_NONE:
      case Control.FLOW_XONXOFF:
      case Control.FLOW_HARDWARE:
        return flowControlCode((await change({ flowControl: flowControlFromCode(value)! })).flowControl);
      case Control.INBOUND_FLOW_NONE:
      case Control.INBOUND_FLOW_XONXOFF:
      case Control.INBOUND_FLOW_HARDWARE: {
        // The port's flow control works both ways: inbound is outbound.
        const flow = (Object.keys(INBOUND_CODES) as FlowControl[]).find((name) => INBOUND_CODES[name] === value)!;
        return INBOUND_CODES[(await change({ flowControl: flow })).flowControl];
      }
      case Control.INBOUND_FLOW_REQUEST:
      case Control.INBOUND_FLOW_DTR:
        // DTR flow control is not something serialport offers: the inbound flow in force.
        return INBOUND_CODES[device.settings.flowControl];
      case Control.BREAK_REQUEST:
        return device.breakCondition ? Control.BREAK_ON : Control.BREAK_OFF;
      case Control.BREAK_ON:
      case Control.BREAK_OFF: {
        const on = allowed ? await device.setBreak(value === Control.BREAK_ON) : device.breakCondition;
        return on ? Control.BREAK_ON : Control.BREAK_OFF;
      }
      case Control.DTR_REQUEST:
      case Control.DTR_ON:
      case Control.DTR_OFF: {
        const lines = allowed && value !== Control.DTR_REQUEST ? await device.setControlLines({ dtr: value === Control.DTR_ON }) : device.controlLines;
        return lines.dtr ? Control.DTR_ON : Control.DTR_OFF;
      }
      case Control.RTS_REQUEST:
      case Control.RTS_ON:
      case Control.RTS_OFF: {
        const lines = allowed && value !== Control.RTS_REQUEST ? await device.setControlLines({ rts: value === Control.RTS_ON }) : device.controlLines;
        return lines.rts ? Control.RTS_ON : Control.RTS_OFF;
      }
      default:
        // FLOW_REQUEST, and DCD/DSR flow control (not offered): the outbound flow in force.
        return flowControlCode(device.settings.flowControl);
    }
  }

  /** A client asking for the modem state (pyserial's poll_modem): answered with the state now. */
  private async answerPoll(): Promise<void> {
    let lines: ModemLines;
    try {
      lines = await this.host.device.readModemLines();
    } catch (error) {
      this.host.log(`modem state asked for, but ${(error as Error).message}`);
      return;
    }
    const state = modemBits(lines);
    this.lastModemState = state;
    this.reply({ fromServer: true, command: 'NOTIFY-MODEMSTATE', value: state & this.modemMask });
  }

  private reply(message: ComPortMessage): void {
    this.host.send(encodeComPort(message));
  }
}

function modemBits(lines: ModemLines): number {
  return (lines.cts ? ModemState.CTS : 0) | (lines.dsr ? ModemState.DSR : 0) | (lines.dcd ? ModemState.DCD : 0) | (lines.ri ? ModemState.RI : 0);
}

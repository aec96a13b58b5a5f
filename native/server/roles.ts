import type { RoleName } from '../api/index.js';
import type { ComPortMessage } from '../telnet/index.js';
import { Control } from '../telnet/index.js';

// What each attachment to a line may do. Every check in the server and the hub asks this
// table: a telnet client's IAC BRK, an RFC 2217 command, the UI's BREAK button alike.

export type Role = RoleName;

export type Action =
  /** Telnet option negotiation, and giving the password: what a connection is before admission. */
  | 'negotiate'
  /** Bytes typed to the device. */
  | 'data'
  /** IAC BRK, RFC 2217 SET-CONTROL BREAK-ON/OFF, the UI's BREAK: the device's transmit line. */
  | 'break'
  /** Baud rate, data bits, parity, stop bits, flow control (RFC 2217 SET-*). */
  | 'settings'
  /** DTR and RTS (RFC 2217 SET-CONTROL DTR-/RTS-ON/OFF). */
  | 'control-lines'
  /** RFC 2217 PURGE-DATA: discards what the device holds. */
  | 'purge'
  /** RFC 2217 requests for the values in force, masks, the signature: they change nothing. */
  | 'query'
  /** FLOWCONTROL-SUSPEND/RESUME: pauses output to that attachment only, never the device or the log. */
  | 'suspend-own-output'
  /** End another attachment's session. */
  | 'kick'
  /** Make the remote writers watchers until given back. */
  | 'take-keyboard';

export const ROLE_ACTIONS: Readonly<Record<Role, ReadonlySet<Action>>> = {
  pending: new Set<Action>(['negotiate']),
  reader: new Set<Action>(['negotiate', 'query', 'suspend-own-output']),
  writer: new Set<Action>(['negotiate', 'query', 'suspend-own-output', 'data', 'break', 'settings', 'control-lines', 'purge']),
  operator: new Set<Action>(['negotiate', 'query', 'suspend-own-output', 'data', 'break', 'settings', 'control-lines', 'purge', 'kick', 'take-keyboard']),
};

export function may(role: Role, action: Action): boolean {
  return ROLE_ACTIONS[role].has(action);
}

/** Which action an RFC 2217 command from a client is; a request for a value is a query. */
export function comPortAction(message: ComPortMessage): Action {
  switch (message.command) {
    case 'SET-BAUDRATE':
    case 'SET-DATASIZE':
    case 'SET-PARITY':
    case 'SET-STOPSIZE':
      return message.value === 0 ? 'query' : 'settings';
    case 'SET-CONTROL':
      return controlAction(message.value);
    case 'PURGE-DATA':
      return 'purge';
    case 'FLOWCONTROL-SUSPEND':
    case 'FLOWCONTROL-RESUME':
      return 'suspend-own-output';
    default:
      return 'query';
  }
}

function controlAction(value: number): Action {
  switch (value) {
    case Control.BREAK_ON:
    case Control.BREAK_OFF:
      return 'break';
    case Control.DTR_ON:
    case Control.DTR_OFF:
    case Control.RTS_ON:
    case Control.RTS_OFF:
      return 'control-lines';
    case Control.FLOW_NONE:
    case Control.FLOW_XONXOFF:
    case Control.FLOW_HARDWARE:
    case Control.INBOUND_FLOW_NONE:
    case Control.INBOUND_FLOW_XONXOFF:
    case Control.INBOUND_FLOW_HARDWARE:
    case Control.FLOW_DCD:
    case Control.INBOUND_FLOW_DTR:
    case Control.FLOW_DSR:
      return 'settings';
    default:
      return 'query';
  }
}

import type { PortDto } from '../../native/api/index.js';
import { keptPrefs, type RevtelState, type SessionView } from './store.js';

// Saved sessions: a tab saved as it is (how to reach it and its choices), and a saved serial
// session's port found again when it is opened.

/** Saves a tab's session in the settings (through the store), keeping what was saved of it before (always log, terminal type). */
export function saveTab(state: RevtelState, view: SessionView): void {
  const { dto } = view;
  const prefs = keptPrefs(view.prefs);
  if (dto.kind === 'telnet' && dto.host !== undefined && dto.port !== undefined) {
    const before = state.destinations.find((saved) => saved.host === dto.host && saved.port === dto.port);
    state.saveDestination({ ...before, host: dto.host, port: dto.port, ...(dto.rfc2217 ? { rfc2217: dto.rfc2217 } : {}), negotiation: dto.negotiation ?? 'auto', prefs });
  } else if (canSave(view)) {
    const path = dto.path!;
    const before = state.serialSessions.find((saved) => saved.path === path);
    const serialNumber = state.ports.find((port) => port.path === path)?.serialNumber ?? before?.serialNumber;
    state.saveSerial({ ...before, path, settings: dto.settings ?? '9600,8N1', ...(serialNumber ? { serialNumber } : {}), prefs });
  }
}

/** Telnet and serial tabs (a view of an exposed line is reached through its line). */
export function canSave(view: SessionView): boolean {
  const { dto } = view;
  if (dto.kind === 'telnet') return dto.host !== undefined && dto.port !== undefined;
  return dto.kind === 'serial' && dto.path !== undefined;
}

/** The port a saved serial session opens: the one with its USB serial number (its path may have changed), else its path. */
export function serialPathOf(saved: { readonly path: string; readonly serialNumber?: string }, ports: readonly PortDto[]): string {
  return (saved.serialNumber ? ports.find((port) => port.serialNumber === saved.serialNumber)?.path : undefined) ?? saved.path;
}

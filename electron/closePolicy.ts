import type { LineDto } from '../native/api/index.js';

// Closing the last window while exposed lines have clients would cut those people off:
// Revtel asks first, offering to keep serving from the tray.

export type CloseChoice = 'quit' | 'tray' | 'cancel';

/** The question to ask, or undefined when closing drops nobody. */
export function closeQuestion(lines: readonly LineDto[]): string | undefined {
  const busy = lines.filter((line) => line.clients.length > 0);
  if (busy.length === 0) return undefined;
  const clients = busy.reduce((sum, line) => sum + line.clients.length, 0);
  const names = busy.map((line) => `${line.name} (${line.clients.length})`).join(', ');
  return `${clients} client${clients === 1 ? ' is' : 's are'} connected to ${names}. Quitting disconnects them.`;
}

/** Dialog buttons in order; the index the dialog returns maps back with CLOSE_CHOICES. */
export const CLOSE_BUTTONS = ['Keep serving in the tray', 'Quit and disconnect them', 'Cancel'];
export const CLOSE_CHOICES: readonly CloseChoice[] = ['tray', 'quit', 'cancel'];

// Who is on each end of a trace: SENT lines come from `sent`, RCVD lines from `rcvd`.

export type Role = 'client' | 'server';

export interface Party {
  /** As it stands in a sentence: "the client", "Revtel", "this client". */
  readonly name: string;
  readonly role: Role;
}

export interface Parties {
  readonly sent: Party;
  readonly rcvd: Party;
}

/** A telnet tab, or a replay: Revtel (or the recorded client) speaks to a server. */
export const CLIENT_PARTIES: Parties = {
  sent: { name: 'the client', role: 'client' },
  rcvd: { name: 'the server', role: 'server' },
};

/** An exposed line's remote client, as Revtel's listener sees it. */
export const LINE_PARTIES: Parties = {
  sent: { name: 'Revtel', role: 'server' },
  rcvd: { name: 'this client', role: 'client' },
};

export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

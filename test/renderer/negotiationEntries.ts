// Trace entries for the UI's tests, made by the real engine: from a golden fixture, or
// one command at a time from its wire bytes.
import { readFileSync } from 'node:fs';
import type { TraceEntryDto } from '../../native/api/index.js';
import { TraceRecord, type TelnetEvent } from '../../native/telnet/index.js';
import { parseScript, runScript } from '../native/telnet/telnetScript.js';
import { repoPath } from '../support/repo.js';

export function dto(entry: { time: number; direction: 'SENT' | 'RCVD'; text: string; short: string; bytes: Uint8Array }): TraceEntryDto {
  return { time: entry.time, direction: entry.direction, text: entry.text, short: entry.short, bytes: entry.bytes };
}

/** Every trace entry a golden fixture's script produces. */
export function fixtureEntries(name: string): TraceEntryDto[] {
  const script = parseScript(readFileSync(repoPath('test', 'fixtures', 'telnet', name), 'utf8'));
  return runScript(script)
    .filter((event): event is Extract<TelnetEvent, { type: 'trace' }> => event.type === 'trace')
    .map((event) => dto(event.entry));
}

const VERBS = { WILL: 251, WONT: 252, DO: 253, DONT: 254 } as const;

/** "RCVD WILL 1" — a negotiation as the engine traces it. */
export function negotiation(direction: 'SENT' | 'RCVD', verb: keyof typeof VERBS, option: number): TraceEntryDto {
  return dto(new TraceRecord(0, direction, Uint8Array.of(255, VERBS[verb], option)));
}

export function subnegotiation(direction: 'SENT' | 'RCVD', option: number, ...payload: number[]): TraceEntryDto {
  return dto(new TraceRecord(0, direction, Uint8Array.from(payload), option));
}

export function command(direction: 'SENT' | 'RCVD', code: number): TraceEntryDto {
  return dto(new TraceRecord(0, direction, Uint8Array.of(255, code)));
}

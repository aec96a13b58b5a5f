import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { waitFor } from './peers.js';
import { repoPath } from './repo.js';

/** floodDevice.py on a pty linked at `link`: a serial device that floods without holding up what it is sent. */
export interface FloodDevice {
  /** Starts the flood. */
  go(): void;
  /** Bytes of the flood written so far. */
  sent(): number;
  /** Everything the device has received. */
  received(): string;
  stop(): void;
}

export async function startFloodDevice(link: string, bytes: number): Promise<FloodDevice> {
  const device = spawn('/usr/bin/python3', [repoPath('test', 'support', 'floodDevice.py'), link, String(bytes)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let sent = 0;
  let received = '';
  let partial = '';
  device.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('sent ')) sent = Number(line.slice(5));
      if (line.startsWith('recv ')) received += Buffer.from(line.slice(5), 'hex').toString('latin1');
    }
  });
  await waitFor(() => existsSync(link), 'the flood device');
  return {
    go: () => device.stdin.write('go\n'),
    sent: () => sent,
    received: () => received,
    stop: () => device.kill(),
  };
}

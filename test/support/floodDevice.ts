import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { waitFor } from './peers.js';
import { repoPath } from './repo.js';

/** floodDevice.py on a pty linked at `link`: a serial device that floods without holding up what it is sent. */
export interface FloodDevice {
  /** Starts the flood. */
  go(): void;
  /** Ends the flood before its size; resolves with the bytes written in all. */
  end(): Promise<number>;
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
  let ended: number | undefined;
  device.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('sent ')) sent = Number(line.slice(5));
      if (line.startsWith('recv ')) received += Buffer.from(line.slice(5), 'hex').toString('latin1');
      if (line.startsWith('ended ')) sent = ended = Number(line.slice(6));
    }
  });
  await waitFor(() => existsSync(link), 'the flood device');
  return {
    go: () => device.stdin.write('go\n'),
    end: async () => {
      device.stdin.write('end\n');
      await waitFor(() => ended !== undefined, 'the flood device to end its flood');
      return ended!;
    },
    sent: () => sent,
    received: () => received,
    stop: () => device.kill(),
  };
}

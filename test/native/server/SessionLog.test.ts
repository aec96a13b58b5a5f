import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SessionLog } from '../../../native/server/SessionLog.js';
import { scratchDir } from '../../support/peers.js';

describe('session log', () => {
  it('stamps each line when it starts, however the bytes are cut', () => {
    const dir = scratchDir();
    let tick = Date.UTC(2026, 10, 22, 10, 0, 0);
    const log = new SessionLog({ dir, name: 'line-1', now: () => new Date(tick++) });
    log.write(Buffer.from('Router>sh'));
    log.write(Buffer.from('ow clock\r\n*10:00\r\nRouter>'));
    log.note('device unplugged');
    log.close();
    assert.equal(readFileSync(join(dir, 'line-1.log'), 'utf8'), [
      '[2026-11-22 10:00:00.000] Router>show clock\r',
      '[2026-11-22 10:00:00.001] *10:00\r',
      '[2026-11-22 10:00:00.002] Router>',
      '[2026-11-22 10:00:00.003] [revtel] device unplugged',
      '',
    ].join('\n'));
  });

  it('rotates between lines once the file reaches its size, keeping N old files', () => {
    const dir = scratchDir();
    const log = new SessionLog({ dir, name: 'line-2', maxBytes: 1000, keep: 2, now: () => new Date(0) });
    for (let n = 0; n < 100; n++) log.write(Buffer.from(`line ${n}\n`));
    log.close();
    assert.deepEqual(readdirSync(dir).sort(), ['line-2.log', 'line-2.log.1', 'line-2.log.2']);
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      assert.match(text, /^(\[1970-01-01 00:00:00\.000\] line \d+\n)+$/, `${file} holds whole stamped lines`);
    }
    assert.match(readFileSync(join(dir, 'line-2.log'), 'utf8'), /line 99\n$/);
  });

  it('says once that the disk is full, loses nothing else, and marks the gap when it can write again', (t) => {
    // A real full disk: a 64 KiB tmpfs (mounting needs root, as on the CI machines).
    const dir = scratchDir();
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    } catch {
      t.skip('cannot mount a small tmpfs here (not root)');
      return;
    }
    try {
      const reports: string[] = [];
      const log = new SessionLog({ dir, name: 'line-9', now: () => new Date(0), report: (message) => reports.push(message) });
      log.write(Buffer.from('before\n'));
      try {
        writeFileSync(join(dir, 'filler'), Buffer.alloc(128 * 1024));
      } catch {
        // ENOSPC: the filler holds every free page now.
      }
      const burst = Buffer.alloc(8192, 'x');
      log.write(burst);
      log.note('device unplugged');
      log.write(burst);
      assert.equal(reports.length, 1, reports.join('\n'));
      assert.match(reports[0]!, /^cannot write .*line-9\.log: no space left on the device; the line goes on/);

      rmSync(join(dir, 'filler'));
      log.write(Buffer.from('after\n'));
      log.close();
      assert.match(reports[1]!, /^writing .*line-9\.log again; up to 16384 bytes are missing from it$/);
      const lines = readFileSync(join(dir, 'line-9.log'), 'latin1').split('\n');
      assert.equal(lines[0], '[1970-01-01 00:00:00.000] before');
      assert.ok(lines.includes('[1970-01-01 00:00:00.000] [revtel] up to 16384 bytes from the device are missing here: the log could not be written'));
      assert.equal(lines.at(-2), '[1970-01-01 00:00:00.000] after');
    } finally {
      // Lazily: a failed assertion may have left the log open.
      execFileSync('umount', ['-l', dir]);
    }
  });
});

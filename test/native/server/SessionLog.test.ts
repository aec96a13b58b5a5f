import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
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
});

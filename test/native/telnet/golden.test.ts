import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { repoPath } from '../../support/repo.js';
import { parseScript, runScript, transcript } from './telnetScript.js';

// Every fixture in test/fixtures/telnet: the transcript must match its .expected file,
// and must not change when the bytes arrive cut anywhere else. UPDATE_GOLDEN=1 rewrites
// the .expected files (review the diff before committing it).
const fixtureDir = repoPath('test', 'fixtures', 'telnet');
const fixtures = readdirSync(fixtureDir).filter((name) => name.endsWith('.script')).sort();

describe('telnet engine golden transcripts', () => {
  it('has fixtures to run', () => assert.ok(fixtures.length >= 10, `only ${fixtures.length} fixtures found`));

  for (const name of fixtures) {
    describe(name, () => {
      const script = parseScript(readFileSync(`${fixtureDir}/${name}`, 'utf8'));
      const expectedPath = `${fixtureDir}/${name.replace(/\.script$/, '.expected')}`;
      const golden = transcript(runScript(script));

      it('matches its golden transcript', () => {
        if (process.env['UPDATE_GOLDEN']) writeFileSync(expectedPath, golden);
        assert.equal(golden, readFileSync(expectedPath, 'utf8'));
      });

      it('gives the same transcript split at every byte boundary', () => {
        script.steps.forEach((step, index) => {
          if (step.kind !== 'recv') return;
          for (let at = 1; at < step.bytes.length; at++) {
            assert.equal(transcript(runScript(script, { kind: 'split', step: index, at })), golden, `step ${index} split at ${at}`);
          }
        });
      });

      it('gives the same transcript byte by byte and with consecutive receives merged', () => {
        assert.equal(transcript(runScript(script, { kind: 'byte-by-byte' })), golden);
        assert.equal(transcript(runScript(script, { kind: 'merged' })), golden);
      });
    });
  }
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { repoPath } from '../../support/repo.js';
import { revtelBin as bin, revtelInProcess } from '../../support/revtel.js';

// The `revtel` command as a user runs it: real files, and standard input in a real process;
// the rest on the command line run in this process (main.test.ts shows the bin answers alike).
const ser2netHex = repoPath('test', 'fixtures', 'telnet', 'reference', 'ser2net-on-connect.hex');

function revtel(args: string[], input?: Uint8Array) {
  const result = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('revtel decode', () => {
  it('prints what ser2net sends on connect as the BSD client would', async () => {
    const { status, stdout, stderr } = await revtelInProcess(['decode', '--hex', ser2netHex]);
    assert.equal(stderr, '');
    assert.equal(status, 0);
    assert.equal(stdout, [
      'RCVD WILL SUPPRESS GO AHEAD',
      'RCVD DO SUPPRESS GO AHEAD',
      'RCVD WILL ECHO',
      'RCVD DONT ECHO',
      'RCVD DO BINARY',
      'RCVD WILL BINARY',
      'RCVD DO COM-PORT-OPTION',
      '',
    ].join('\n'));
  });

  it('reads raw bytes from standard input, with short names and data runs counted', () => {
    const hex = readFileSync(ser2netHex, 'utf8').trim().split(' ').map((byte) => parseInt(byte, 16));
    const capture = Uint8Array.from([...hex, ...new TextEncoder().encode('Router>')]);
    const { status, stdout } = revtel(['decode', '--short'], capture);
    assert.equal(status, 0);
    assert.match(stdout, /^RCVD WILL SGA\nRCVD DO SGA\n/);
    assert.match(stdout, /RCVD DO COM-PORT\n\(7 data bytes\)\n$/);
  });

  it('says in one line what is wrong, with exit status 2 and no stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['decode', '/no/such/capture'], /^revtel: \/no\/such\/capture: no such file\n$/],
      [['decode', '--hex', repoPath('README.md')], /^revtel: The capture is not hex text: expected pairs of hex digits/],
      [['decode', '--colour'], /^revtel: Unknown option "--colour"\nUsage: revtel decode \[--hex\] \[--short\] \[FILE\|-\]\n$/],
      [['decode', 'a', 'b'], /^revtel: decode takes one capture file/],
      [['sreve'], /^revtel: Unknown command "sreve": run "revtel help" for the list\n$/],
    ];
    for (const [args, message] of cases) {
      const { status, stdout, stderr } = await revtelInProcess(args);
      assert.equal(status, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('prints help and the version', async () => {
    assert.match((await revtelInProcess(['help'])).stdout, /revtel decode/);
    const manifest = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
    assert.equal((await revtelInProcess(['--version'])).stdout, `revtel ${manifest.version}\n`);
  });
});

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveAppRequest } from '../../electron/appProtocol.js';
import { closeQuestion } from '../../electron/closePolicy.js';
import { isAllowedExternal, webPreferences, windowOptions } from '../../electron/windowOptions.js';
import { DEFAULT_BOUNDS, loadBounds, saveBounds } from '../../electron/windowState.js';
import type { LineDto } from '../../native/api/index.js';
import { scratchDir } from '../support/peers.js';
import { repoPath } from '../support/repo.js';

describe('the Electron window', () => {
  it("holds Electron's security checklist: isolation, sandbox, no Node, no webviews", () => {
    const prefs = webPreferences('/app/preload.cjs');
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInWorker, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.preload, '/app/preload.cjs');
    assert.deepEqual(windowOptions('/p', { width: 900, height: 600 }).webPreferences, webPreferences('/p'));
  });

  it('serves the renderer from app:// with a CSP of script-src self, and nothing else of the disk', () => {
    const dir = repoPath('dist', 'renderer');
    const page = resolveAppRequest('app://revtel/index.html', dir);
    assert.equal(page.status, 200);
    assert.equal(page.file, join(dir, 'index.html'));
    assert.match(page.headers['Content-Security-Policy']!, /(^|; )script-src 'self'(;|$)/);
    assert.match(page.headers['Content-Security-Policy']!, /default-src 'self'/);
    assert.doesNotMatch(page.headers['Content-Security-Policy']!, /unsafe-eval|script-src[^;]*unsafe-inline/);
    assert.equal(resolveAppRequest('app://revtel/', dir).file, join(dir, 'index.html'));
    assert.equal(resolveAppRequest('app://revtel/app.js', dir).headers['Content-Type'], 'text/javascript; charset=utf-8');
    for (const bad of ['app://revtel/../../../etc/passwd', 'app://revtel/%2e%2e/package.json', 'app://revtel/state/store.js', 'app://evil/index.html', 'app://revtel/app.js.map', 'app://revtel/.hidden.js']) {
      assert.equal(resolveAppRequest(bad, dir).status, 404, bad);
    }
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /<script>|\son\w+=/, 'no inline script the CSP would have to allow');
  });

  it('opens only https links to known hosts in the browser', () => {
    assert.equal(isAllowedExternal('https://www.rfc-editor.org/rfc/rfc2217'), true);
    assert.equal(isAllowedExternal('http://www.rfc-editor.org/rfc/rfc2217'), false);
    assert.equal(isAllowedExternal('https://evil.example/'), false);
    assert.equal(isAllowedExternal('file:///etc/passwd'), false);
  });

  it('remembers its size, and ignores a broken or absurd file', () => {
    const file = join(scratchDir(), 'window.json');
    assert.deepEqual(loadBounds(file), DEFAULT_BOUNDS);
    saveBounds(file, { width: 1500, height: 900, x: 10, y: 20 });
    assert.deepEqual(loadBounds(file), { width: 1500, height: 900, x: 10, y: 20 });
    writeFileSync(file, '{"width": 5, "height": 1e9}');
    assert.deepEqual(loadBounds(file), DEFAULT_BOUNDS);
    writeFileSync(file, 'not json');
    assert.deepEqual(loadBounds(file), DEFAULT_BOUNDS);
  });

  it('asks before quitting only when exposed lines have clients', () => {
    const line = (name: string, clients: number): LineDto => ({
      tcpPort: 2001, name, device: '/dev/ttyUSB0', settings: '9600,8N1', bind: '0.0.0.0', protocol: 'telnet', multi: 'shared',
      exposed: true, devicePresent: true, passwordProtected: false,
      clients: Array.from({ length: clients }, (_, n) => ({ address: `10.0.0.${n}:5000`, since: 0, role: 'writer' as const, negotiated: '' })),
    });
    assert.equal(closeQuestion([line('line 1', 0)]), undefined);
    assert.equal(closeQuestion([line('line 1', 2), line('line 2', 1), line('line 3', 0)]), '3 clients are connected to line 1 (2), line 2 (1). Quitting disconnects them.');
  });
});

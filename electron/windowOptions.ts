import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

// The window's security settings in one place, so that a test can hold them to Electron's
// checklist: isolation, sandbox, no Node in the page, no webviews.

export function webPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export function windowOptions(preload: string, bounds: { width: number; height: number; x?: number; y?: number }): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: 800,
    minHeight: 500,
    title: 'Revtel',
    show: false,
    backgroundColor: '#0d1114',
    webPreferences: webPreferences(preload),
  };
}

/** Links the app may open in the user's browser: https to these hosts only. */
const EXTERNAL_HOSTS = new Set(['github.com', 'www.rfc-editor.org', 'datatracker.ietf.org']);

export function isAllowedExternal(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && EXTERNAL_HOSTS.has(parsed.hostname);
  } catch {
    return false;
  }
}

// The Electron main process: one instance, one hardened window on app://revtel, and the
// hub, which owns every serial port and listener. Everything testable lives in the small
// modules beside this file; this one only wires them to Electron, which it is given (so
// that a test can run it against a recording double: test/electron/app.test.ts).
import type { MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Hub } from '../native/hub/Hub.js';
import { openDevice } from '../native/hub/openDevice.js';
import { listPorts } from '../native/serial/portList.js';
import { TerminalServer } from '../native/server/TerminalServer.js';
import { resolveAppRequest } from './appProtocol.js';
import { CLOSE_BUTTONS, CLOSE_CHOICES, closeQuestion } from './closePolicy.js';
import { APP_ORIGIN, bindIpc, isAppUrl } from './ipc.js';
import { isAllowedExternal, windowOptions } from './windowOptions.js';
import { loadBounds, saveBounds } from './windowState.js';

/** The parts of the 'electron' module the main process uses. */
export type ElectronModule = Pick<typeof import('electron'), 'app' | 'BrowserWindow' | 'dialog' | 'ipcMain' | 'Menu' | 'nativeImage' | 'net' | 'protocol' | 'shell' | 'Tray'>;

export interface AppOptions {
  /** Whose menu conventions to follow (default: this process's platform). */
  readonly platform?: NodeJS.Platform;
  readonly log?: (message: string) => void;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererDir = join(here, '..', 'renderer');
const preload = join(here, 'preload.cjs');
const icon = join(here, '..', '..', 'build', 'icons', 'icon.png');
const stderrLog = (message: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
};

/** Runs the app on `electron`: called once, before the app is ready. */
export function startApp(electron: ElectronModule, options: AppOptions = {}): void {
  const { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, net, protocol, shell, Tray } = electron;
  const platform = options.platform ?? process.platform;
  const log = options.log ?? stderrLog;
  type BrowserWindow = InstanceType<typeof BrowserWindow>;
  type Tray = InstanceType<typeof Tray>;
  type Menu = InstanceType<typeof Menu>;

  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
  } else {
    let window: BrowserWindow | undefined;
    let tray: Tray | undefined;
    let quitting = false;
    const device = { open: openDevice, listPorts };
    const server = new TerminalServer({ device, log, version: app.getVersion() });
    const hub = new Hub({ server, device, listPorts });

    app.on('second-instance', () => {
      if (!window) return;
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    });

    // No page may open windows, navigate away, or attach webviews; https links in the allowlist go to the browser.
    app.on('web-contents-created', (_event, contents) => {
      contents.setWindowOpenHandler(({ url }) => {
        if (isAllowedExternal(url)) void shell.openExternal(url);
        return { action: 'deny' };
      });
      contents.on('will-navigate', (event, url) => {
        if (!isAppUrl(url)) event.preventDefault();
      });
      contents.on('will-attach-webview', (event) => event.preventDefault());
    });

    const createWindow = (): BrowserWindow => {
      const boundsFile = join(app.getPath('userData'), 'window.json');
      const created = new BrowserWindow({ ...windowOptions(preload, loadBounds(boundsFile)), icon });
      const unbind = bindIpc(ipcMain, hub, created.webContents, log);
      created.once('ready-to-show', () => created.show());
      created.on('close', (event) => {
        saveBounds(boundsFile, created.getBounds());
        if (quitting) return;
        void hub.listLines({}).then((lines) => {
          const question = closeQuestion(lines);
          if (!question) {
            quitting = true;
            app.quit();
            return;
          }
          const choice = CLOSE_CHOICES[dialog.showMessageBoxSync(created, { type: 'question', message: 'Exposed lines are in use', detail: question, buttons: CLOSE_BUTTONS, defaultId: 0, cancelId: 2 })];
          if (choice === 'quit') {
            quitting = true;
            app.quit();
          } else if (choice === 'tray') {
            created.hide();
            showTray();
          }
        });
        event.preventDefault();
      });
      created.on('closed', () => {
        unbind.dispose();
        window = undefined;
      });
      void created.loadURL(`${APP_ORIGIN}/index.html`);
      return created;
    };

    const showTray = (): void => {
      if (tray) return;
      tray = new Tray(nativeImage.createFromPath(icon).resize({ width: 16, height: 16 }));
      tray.setToolTip('Revtel is serving its lines');
      tray.setContextMenu(Menu.buildFromTemplate([
        { label: 'Show Revtel', click: () => window?.show() },
        { type: 'separator' },
        { label: 'Quit and disconnect everyone', click: () => { quitting = true; app.quit(); } },
      ]));
    };

    const showAbout = (): void => {
      const versions = `Revtel ${app.getVersion()}\nElectron ${process.versions.electron}\nChromium ${process.versions.chrome}\nNode ${process.versions.node}`;
      void dialog.showMessageBox({ type: 'info', title: 'About Revtel', message: 'Revtel — serial consoles as reverse-telnet lines', detail: versions, icon });
    };

    // The conventions of each OS: the app menu on macOS, CmdOrCtrl accelerators everywhere.
    const menu = (): Menu => {
      const mac = platform === 'darwin';
      const template: MenuItemConstructorOptions[] = [
        ...(mac ? [{ label: app.name, submenu: [{ label: 'About Revtel', click: showAbout }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] } as MenuItemConstructorOptions] : []),
        { label: 'File', submenu: [mac ? { role: 'close' } : { role: 'quit' }] },
        { role: 'editMenu' },
        { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
        { role: 'windowMenu' },
        { role: 'help', submenu: [...(mac ? [] : [{ label: 'About Revtel', click: showAbout }]), { label: 'RFC 854 (Telnet)', click: () => void shell.openExternal('https://www.rfc-editor.org/rfc/rfc854') }, { label: 'RFC 2217 (COM-PORT-OPTION)', click: () => void shell.openExternal('https://www.rfc-editor.org/rfc/rfc2217') }] },
      ];
      return Menu.buildFromTemplate(template);
    };

    void app.whenReady().then(() => {
      protocol.handle('app', (request) => {
        const response = resolveAppRequest(request.url, rendererDir);
        if (!response.file) return new Response(null, { status: response.status });
        return net.fetch(pathToFileURL(response.file).toString()).then(async (file) => new Response(await file.arrayBuffer(), { status: 200, headers: response.headers }));
      });
      Menu.setApplicationMenu(menu());
      hub.start();
      window = createWindow();
      app.on('activate', () => {
        if (!window) window = createWindow();
        else window.show();
      });
      log(`Revtel ${app.getVersion()} started`);
    });

    app.on('window-all-closed', () => {
      if (!tray) app.quit();
    });
    app.on('before-quit', () => {
      quitting = true;
      void hub.dispose();
      void server.stop();
    });
  }
}

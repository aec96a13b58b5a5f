// A recording double of the 'electron' module (a fake, as the developers' guide allows for
// Electron alone: its binary cannot be downloaded here), to run electron/app.ts under
// plain Node. Every call app.ts makes is written to `calls`, in order, and the events
// Electron would send (ready, second-instance, close, web-contents-created, …) are fired
// by the test.
//
// What it proves: app.ts's own wiring runs without throwing, in the right order, with the
// right arguments, and does the right thing with each event.
// What it cannot prove: that Electron itself behaves so — that a scheme registered as
// privileged before `ready` really is standard and secure, that these webPreferences
// really sandbox the page, that Chromium enforces the CSP header, that menus and the tray
// icon render, that requestSingleInstanceLock really sees another instance, or that a
// `close` event's preventDefault really keeps the window. `session` is part of the double's
// brief but app.ts uses none of it, so it is not modelled.
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export type MenuTemplate = { label?: string; role?: string; type?: string; click?: () => void; submenu?: MenuTemplate }[];

export interface PreventableEvent {
  prevented: boolean;
  preventDefault(): void;
}

export function preventable(): PreventableEvent {
  const event = { prevented: false, preventDefault: () => (event.prevented = true) };
  return event;
}

export class ElectronDouble {
  readonly calls: string[] = [];
  /** What dialog.showMessageBoxSync answers (the index of the button pressed). */
  messageBoxAnswer = 2;
  private markReady!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => (this.markReady = resolve));
  readonly windows: BrowserWindowDouble[] = [];
  readonly trays: TrayDouble[] = [];
  readonly menus: MenuTemplate[] = [];
  applicationMenu: MenuTemplate | undefined;
  readonly ipcHandlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  protocolHandler: ((request: { url: string }) => Response | Promise<Response>) | undefined;
  privilegedSchemes: unknown;

  constructor(userData: string, hasLock = true) {
    // The classes below are Electron's; they report to this double.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const double = this;
    const record = (call: string): void => {
      this.calls.push(call);
    };

    class App extends EventEmitter {
      readonly name = 'Revtel';
      requestSingleInstanceLock(): boolean {
        record('app.requestSingleInstanceLock');
        return hasLock;
      }
      quit(): void {
        record('app.quit');
      }
      getVersion(): string {
        return '0.0.0-test';
      }
      getPath(name: string): string {
        if (name !== 'userData') throw new Error(`the double has no path "${name}"`);
        return userData;
      }
      whenReady(): Promise<void> {
        record('app.whenReady');
        return double.readyPromise;
      }
    }

    class BrowserWindow extends EventEmitter {
      readonly webContents = new WebContentsDouble();
      minimized = false;
      visible = false;
      loadedUrl: string | undefined;
      constructor(readonly options: Record<string, unknown>) {
        super();
        record('new BrowserWindow');
        double.windows.push(this);
      }
      loadURL(url: string): Promise<void> {
        record(`window.loadURL ${url}`);
        this.loadedUrl = url;
        return Promise.resolve();
      }
      show(): void {
        record('window.show');
        this.visible = true;
      }
      hide(): void {
        record('window.hide');
        this.visible = false;
      }
      focus(): void {
        record('window.focus');
      }
      restore(): void {
        record('window.restore');
        this.minimized = false;
      }
      isMinimized(): boolean {
        return this.minimized;
      }
      getBounds(): { x: number; y: number; width: number; height: number } {
        return { x: 10, y: 20, width: 1000, height: 700 };
      }
    }

    class Tray {
      tooltip = '';
      menu: MenuTemplate | undefined;
      constructor(readonly image: unknown) {
        record('new Tray');
        double.trays.push(this);
      }
      setToolTip(text: string): void {
        this.tooltip = text;
      }
      setContextMenu(menu: { template: MenuTemplate }): void {
        this.menu = menu.template;
      }
    }

    this.electron = {
      app: new App(),
      BrowserWindow,
      Tray,
      Menu: {
        buildFromTemplate: (template: MenuTemplate) => {
          double.menus.push(template);
          return { template };
        },
        setApplicationMenu: (menu: { template: MenuTemplate }) => {
          record('Menu.setApplicationMenu');
          double.applicationMenu = menu.template;
        },
      },
      protocol: {
        registerSchemesAsPrivileged: (schemes: unknown) => {
          record('protocol.registerSchemesAsPrivileged');
          double.privilegedSchemes = schemes;
        },
        handle: (scheme: string, handler: (request: { url: string }) => Response | Promise<Response>) => {
          record(`protocol.handle ${scheme}`);
          double.protocolHandler = handler;
        },
      },
      ipcMain: {
        handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => Promise<unknown>) => {
          if (double.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
          double.ipcHandlers.set(channel, listener);
        },
        removeHandler: (channel: string) => double.ipcHandlers.delete(channel),
      },
      // net.fetch of a file: URL, as Electron's does it.
      net: { fetch: async (url: string) => new Response(await readFile(fileURLToPath(url))) },
      nativeImage: { createFromPath: (path: string) => ({ path, resize: () => ({ path }) }) },
      dialog: {
        showMessageBoxSync: (_window: unknown, options: { detail?: string }) => {
          record(`dialog.showMessageBoxSync ${options.detail ?? ''}`);
          return double.messageBoxAnswer;
        },
        showMessageBox: async () => {
          record('dialog.showMessageBox');
          return { response: 0 };
        },
      },
      shell: {
        openExternal: async (url: string) => {
          record(`shell.openExternal ${url}`);
        },
      },
    };
  }

  /** The module to give startApp. */
  readonly electron: Record<string, unknown>;

  get app(): EventEmitter {
    return this.electron['app'] as EventEmitter;
  }

  /** Electron's `ready`: whenReady() resolves. */
  ready(): void {
    this.calls.push('(ready)');
    this.markReady();
  }
}

export class WebContentsDouble extends EventEmitter {
  readonly sent: [string, unknown[]][] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, args]);
  }
  isDestroyed(): boolean {
    return false;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export type BrowserWindowDouble = EventEmitter & {
  readonly options: Record<string, unknown>;
  readonly webContents: WebContentsDouble;
  minimized: boolean;
  visible: boolean;
  loadedUrl: string | undefined;
};

export interface TrayDouble {
  readonly tooltip: string;
  readonly menu: MenuTemplate | undefined;
}

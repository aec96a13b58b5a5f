// The Electron entry point: the app (electron/app.ts) given the real 'electron' module.
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, net, protocol, shell, Tray } from 'electron';
import { startApp } from './app.js';

startApp({ app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, net, protocol, shell, Tray });

import { extname, join } from 'node:path';
import { CONTENT_TYPES, RENDERER_CSP, rendererFile } from '../native/transport/rendererAssets.js';
import { isAppUrl } from './ipc.js';

// The renderer is served from app://revtel/, not file://: a real origin for the CSP and
// for the IPC sender check, and nothing of the disk outside the renderer's own folder.

export interface AppResponse {
  readonly status: number;
  readonly file?: string;
  readonly headers: Readonly<Record<string, string>>;
}

export function resolveAppRequest(url: string, rendererDir: string): AppResponse {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 400, headers: {} };
  }
  const file = isAppUrl(url) ? rendererFile(parsed.pathname) : undefined;
  if (!file) return { status: 404, headers: {} };
  return {
    status: 200,
    file: join(rendererDir, file),
    headers: { 'Content-Type': CONTENT_TYPES[extname(file)]!, 'Content-Security-Policy': RENDERER_CSP, 'X-Content-Type-Options': 'nosniff' },
  };
}

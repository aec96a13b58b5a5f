/**
 * The renderer's Content-Security-Policy, wherever it is served (app:// in Electron, HTTP
 * for `revtel serve --ui`): scripts only from its own origin; inline styles are allowed
 * because xterm.js sets them on its elements.
 */
export const RENDERER_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A file of the flat renderer folder: "index.html", "app.js" — never a path. */
export function rendererFile(pathname: string): string | undefined {
  const file = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\//, '');
  const extension = /\.[a-z]+$/.exec(file)?.[0];
  return /^[\w.-]+$/.test(file) && !file.startsWith('.') && extension && CONTENT_TYPES[extension] ? file : undefined;
}

import type { SessionDto } from '../api/index.js';

/** The log file name when none is given: like PuTTY's &H-&Y&M&D-&T. */
export const DEFAULT_LOG_TEMPLATE = '{title}-{date}-{time}';

/**
 * A log file name from a template with {title}, {host}, {port}, {path}, {date} and {time}
 * (SecureCRT's and PuTTY's habit), made safe as one file name: anything but letters, digits,
 * dot, dash and underscore becomes "_".
 */
export function logName(template: string, session: SessionDto, now: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const values: Record<string, string> = {
    title: session.title,
    host: session.host ?? session.path ?? session.title,
    port: String(session.port ?? session.tcpPort ?? ''),
    path: session.path ?? '',
    date: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`,
    time: `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`,
  };
  const name = template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
  return name.replace(/[^\w.-]+/g, '_').replace(/^[.]+/, '_').slice(0, 200) || 'session';
}

// What reaches a user is a sentence: the contract's validators name fields the way the code
// does ("openTelnet.port must be …") and the system's errors come as errno text
// ("Inappropriate ioctl for device"); both are put in words here, in one place.

const FIELDS: Readonly<Record<string, string>> = {
  host: 'The host',
  port: 'The port',
  tcpPort: 'The TCP port',
  terminalType: 'The terminal type',
  rfc2217: 'The RFC 2217 settings',
  path: 'The device path',
  device: 'The device',
  settings: 'The serial settings',
  durationMs: 'The BREAK duration in milliseconds',
  cols: 'The terminal width',
  rows: 'The terminal height',
  bind: 'The address to listen on',
  allow: 'Each allowed network',
  password: 'The password',
  address: 'The client address',
  data: 'What is sent',
  user: 'The user name',
  keyFile: 'The key file',
  passphrase: 'The passphrase',
};

/** What a field's pattern allows, in words (host names and addresses unless said here). */
const PATTERNS: Readonly<Record<string, string>> = {
  user: 'a user name (letters, digits, dots, dashes, underscores, @, and a colon before a console server\'s line)',
};

const ERRNO: readonly [RegExp, string][] = [
  [/ is not present; waiting for it$/, ' does not exist — is the adapter plugged in? The tab opens it as soon as it appears.'],
  [/:?\s*Inappropriate ioctl for device/i, ' is not a serial port — pick a device such as /dev/ttyUSB0'],
  [/:?\s*(ENOENT|No such file or directory)/i, ' does not exist — is the adapter plugged in?'],
  [/:?\s*(EACCES|Permission denied)/i, ': permission denied — add your user to the dialout group (then log in again)'],
  [/:?\s*(EBUSY|Device or resource busy|Resource temporarily unavailable)/i, ' is in use by another program — close it or pick another port'],
  // The system's text only (case kept): the clients' own sentence says "connection refused — nothing is listening there".
  [/:?\s*(ECONNREFUSED|Connection refused)/, ': nothing accepts connections there — check the host and port'],
  [/:?\s*(ETIMEDOUT|timed out)/i, ': no answer — check the host, the port and any firewall'],
  [/:?\s*(ENOTFOUND|getaddrinfo)/i, ': that host name is not known'],
];

export function sentence(message: string): string {
  const invalid = /^\w+\.(\w+)(?:\[\d+\])?(?:\.\w+)* must be (.*)$/.exec(message);
  if (invalid) {
    const field = FIELDS[invalid[1]!] ?? 'A value';
    const expected = invalid[2]!.replace(/^of the form \/.*\/$/, PATTERNS[invalid[1]!] ?? 'a host name or an address (letters, digits, dots, colons, dashes)');
    return `${field} must be ${expected}.`;
  }
  if (/^\w+(\.\w+)+ is not expected$/.test(message) || /^There is no method /.test(message)) {
    return 'This page and the Revtel server do not agree on that request: reload the page.';
  }
  let text = message;
  for (const [pattern, words] of ERRNO) {
    if (pattern.test(text)) {
      text = text.replace(/ could not be opened/, '').replace(pattern, words);
      break;
    }
  }
  return text;
}

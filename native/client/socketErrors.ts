// One sentence for each way a TCP connection fails, naming the host and what to check.

export function describeSocketError(error: Error, host: string, port: number, timeoutMs: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return `${host}: host name not found — check the spelling or your DNS.`;
    case 'ECONNREFUSED':
      return `${host} port ${port}: connection refused — nothing is listening there.`;
    case 'ETIMEDOUT':
      return `${host} port ${port}: no answer within ${Math.round(timeoutMs / 1000)} s — is the host up, and the port open in its firewall?`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host}: no route to the host (${code}).`;
    case 'ECONNRESET':
      return `Connection reset by ${host} port ${port}.`;
    case 'EPIPE':
      return `${host} port ${port} stopped reading; the connection is gone.`;
    default:
      return `${host} port ${port}: ${error.message}`;
  }
}

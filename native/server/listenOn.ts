import type { Server } from 'node:net';
import { ConfigError } from './LineConfig.js';

/** Listens on bind:port for `what` (a line, the SSH listener); rejects with a sentence when the port cannot be had. */
export async function listenOn(server: Server, port: number, bind: string, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const where = `TCP port ${port} on ${bind}`;
      if (error.code === 'EADDRINUSE') reject(new ConfigError(`${what}: ${where} is already in use by another program — pick another port`));
      else if (error.code === 'EACCES') reject(new ConfigError(`${what}: ${where} needs privileges — use a port above 1023`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new ConfigError(`${what}: ${bind} is not an address of this machine`));
      else reject(new ConfigError(`${what}: cannot listen on ${where}: ${error.message}`));
    };
    server.once('error', onError);
    server.listen(port, bind, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

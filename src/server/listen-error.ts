// Owns the one-line errors of a port or host that cannot be listened on (HTTP and gRPC alike).

import { ServingError } from '../errors.js';

/**
 * A ServingError naming what could not listen (`HTTP`, `gRPC`), where, why, and which option
 * changes it, from node's errno codes (EADDRINUSE, EACCES, ENOTFOUND, EADDRNOTAVAIL, ...).
 */
export function listenError(what: string, host: string, port: number, err: unknown, portFlag: string): ServingError {
  const code = (err as NodeJS.ErrnoException)?.code ?? /\b(E[A-Z_]+)\b/.exec(String((err as Error)?.message))?.[1];
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  let why: string;
  switch (code) {
    case 'EADDRINUSE':
      why = `port ${port} is already in use. Choose another with ${portFlag}`;
      break;
    case 'EACCES':
      why = `permission denied (ports below 1024 need privileges). Choose another with ${portFlag}`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      why = `the host '${host}' does not resolve to an address. Pass an address of this machine with -h/--host (127.0.0.1, 0.0.0.0, ::)`;
      break;
    case 'EADDRNOTAVAIL':
      why = `'${host}' is not an address of this machine. Pass one with -h/--host (127.0.0.1, 0.0.0.0, ::)`;
      break;
    default:
      why = (err as Error)?.message ?? String(err);
  }
  return new ServingError('INVALID_PARAMETER_VALUE', `Cannot serve ${what} on ${where}: ${why}.`, { cause: err });
}

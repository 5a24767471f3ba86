// Owns TLS: reading the key, certificate and client CA files (uvicorn's --ssl-* options), the
// HTTPS server and its client-certificate checks (grpc.ts makes gRPC credentials of the same material).

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Server, RequestListener } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { InvalidOptionsError } from '../errors.js';

/** Where the TLS files are, and whether clients must show a certificate. */
export interface TlsFiles {
  readonly keyfile: string;
  readonly certfile: string;
  /** CA certificates client certificates are checked against. */
  readonly caCerts?: string;
  /** 0: no client certificate asked; 1: checked when one is sent; 2: required. */
  readonly certReqs: number;
}

/** The files' contents. */
export interface TlsMaterial {
  readonly key: Buffer;
  readonly cert: Buffer;
  readonly ca?: Buffer;
  readonly certReqs: number;
}

/** Reads the TLS files; an unreadable file is an InvalidOptionsError naming it. */
export async function readTls(files: TlsFiles): Promise<TlsMaterial> {
  const read = async (what: string, path: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (err) {
      throw new InvalidOptionsError([`Cannot read the ${what} ${path}: ${(err as Error).message}`]);
    }
  };
  return {
    key: await read('TLS key (--ssl-keyfile)', files.keyfile),
    cert: await read('TLS certificate (--ssl-certfile)', files.certfile),
    ...(files.caCerts !== undefined ? { ca: await read('client CA certificates (--ssl-ca-certs)', files.caCerts) } : {}),
    certReqs: files.certReqs,
  };
}

/**
 * A server factory for createAppServer that serves HTTPS with this material (HTTP/1.1). With
 * certReqs 1 a client certificate is optional but, when sent, must verify: node cannot express
 * that in the handshake, so unverified ones are cut right after it.
 */
export function httpsServerFactory(tls: TlsMaterial): (options: object, handler: RequestListener) => Server {
  return (options, handler) => {
    // node:https (and TLS) loaded only by servers that serve HTTPS: the others start faster without it.
    const { createServer: createHttpsServer } = createRequire(import.meta.url)('node:https') as typeof import('node:https');
    const server = createHttpsServer(
      {
        ...options,
        key: tls.key,
        cert: tls.cert,
        ...(tls.ca ? { ca: tls.ca } : {}),
        requestCert: tls.certReqs > 0,
        rejectUnauthorized: tls.certReqs === 2,
        minVersion: 'TLSv1.2',
      },
      handler,
    );
    if (tls.certReqs === 1) {
      server.on('secureConnection', (socket: TLSSocket) => {
        const peer = socket.getPeerCertificate();
        if (!socket.authorized && peer && Object.keys(peer).length > 0) socket.destroy();
      });
    }
    return server as unknown as Server;
  };
}

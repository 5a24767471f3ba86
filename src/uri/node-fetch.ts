// Owns a fetch-compatible transport over node:http(s), used when TLS settings (insecure TLS, a
// CA file, a client certificate) must reach the socket, which the global fetch cannot express.

import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { Readable } from 'node:stream';

/** The part of `fetch` mlserve uses. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** TLS settings of the REST client (spec §5.7). */
export interface TlsSettings {
  insecureTls: boolean;
  clientCertPath?: string;
  serverCertPath?: string;
}

/** True when `tls` needs the node:https transport. */
export function needsNodeTransport(tls: TlsSettings): boolean {
  return tls.insecureTls || tls.clientCertPath !== undefined || tls.serverCertPath !== undefined;
}

/** A fetch-like function over node:http(s) applying `tls`. */
export function nodeFetch(tls: TlsSettings): FetchLike {
  const tlsOptions: RequestOptions = { rejectUnauthorized: !tls.insecureTls };
  if (tls.serverCertPath) tlsOptions.ca = readFileSync(tls.serverCertPath);
  if (tls.clientCertPath) {
    // requests' `cert=<path>`: one PEM file holding the certificate and its key.
    const pem = readFileSync(tls.clientCertPath);
    tlsOptions.cert = pem;
    tlsOptions.key = pem;
  }
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const u = new URL(url);
      const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((v, k) => (headers[k] = v));
      const req = send(u, { method: init.method ?? 'GET', headers, signal: init.signal ?? undefined, ...(u.protocol === 'https:' ? tlsOptions : {}) }, (res) => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
        const status = res.statusCode ?? 500;
        const body = status === 204 || status === 304 ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        resolve(new Response(body, { status, headers: out }));
      });
      req.on('error', reject);
      req.end(typeof init.body === 'string' ? init.body : undefined);
    });
}

// Owns turning the server's options into its front: connection limits, authentication (token
// files read here), CORS, compression and TLS material, built once before the server starts.

import { readFile } from 'node:fs/promises';
import { splitList, type ServeOptions } from '../config/options.js';
import { InvalidOptionsError } from '../errors.js';
import { createAuthenticator, type Authenticator } from './auth.js';
import { createCors, type Cors } from './cors.js';
import type { CompressionOptions } from './compress.js';
import type { HttpLimits } from './http-limits.js';
import { readTls, type TlsMaterial } from './tls.js';

/** Everything the HTTP and gRPC fronts need besides the model. */
export interface Front {
  readonly httpLimits: HttpLimits;
  readonly auth?: Authenticator;
  readonly cors?: Cors;
  readonly compression?: CompressionOptions;
  readonly tls?: TlsMaterial;
  readonly stackTraces: boolean;
  /** Serve with the fast lane (server/fast/) in front of node:http: plain HTTP only. */
  readonly fastLane: boolean;
}

async function tokenFile(path: string | undefined): Promise<string[]> {
  if (path === undefined) return [];
  try {
    return splitList(await readFile(path, 'utf8'));
  } catch (err) {
    throw new InvalidOptionsError([`Cannot read the token file ${path} (--auth-token-file): ${(err as Error).message}`]);
  }
}

/** Builds the front from resolved options; reads the token and TLS files (InvalidOptionsError when unreadable). */
export async function prepareFront(options: Readonly<ServeOptions>): Promise<Front> {
  const tokens = [...new Set([...options.authTokens, ...(await tokenFile(options.authTokenFile))])];
  if (options.authTokenFile !== undefined && tokens.length === 0) throw new InvalidOptionsError([`The token file ${options.authTokenFile} holds no token.`]);
  const tls =
    options.sslKeyfile !== undefined && options.sslCertfile !== undefined
      ? await readTls({ keyfile: options.sslKeyfile, certfile: options.sslCertfile, caCerts: options.sslCaCerts, certReqs: options.sslCertReqs })
      : undefined;
  return {
    httpLimits: {
      headerTimeoutSeconds: options.headerTimeoutSeconds,
      bodyTimeoutSeconds: options.bodyTimeoutSeconds,
      keepAliveTimeoutSeconds: options.keepAliveTimeoutSeconds,
      maxConnections: options.maxConnections,
      maxHeaderBytes: options.maxHeaderBytes,
      maxHeaderCount: options.maxHeaderCount,
    },
    auth: createAuthenticator({ tokens, metricsTokens: options.metricsTokens, protectHealth: options.authHealth }),
    cors: createCors({ origins: options.corsOrigins, allowCredentials: options.corsAllowCredentials }),
    compression: options.compression ? { minBytes: options.compressionMinBytes } : undefined,
    tls,
    stackTraces: options.stackTraces,
    fastLane: options.httpParser === 'fast' && tls === undefined,
  };
}

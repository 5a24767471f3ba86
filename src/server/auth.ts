// Owns authentication of requests: bearer tokens or API keys compared in constant time, which
// routes need them (health and metrics have their own rules), and the 401 answer's header.

import { createHash, timingSafeEqual } from 'node:crypto';

/** Who may call what. */
export interface AuthOptions {
  /** Tokens accepted on every protected route (`Authorization: Bearer <t>` or `X-API-Key: <t>`). */
  readonly tokens: readonly string[];
  /** Tokens accepted on `/metrics`; empty: `/metrics` is open. */
  readonly metricsTokens: readonly string[];
  /** Protect liveness and readiness too (probes must then send a token). */
  readonly protectHealth: boolean;
}

/** What a route needs: health (liveness/readiness), metrics, or the API (everything else). */
export type RouteClass = 'health' | 'metrics' | 'api';

/** The answer's `WWW-Authenticate` header (RFC 6750 §3). */
export const WWW_AUTHENTICATE = 'Bearer realm="mlserve"';

/** Checks requests against the configured tokens. */
export interface Authenticator {
  /** True when a request with these headers may use a route of this class. */
  allows(headers: Readonly<Record<string, string | string[] | undefined>>, route: RouteClass): boolean;
}

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** The token a request presents: `Authorization: Bearer <token>` (scheme case-insensitive) or `X-API-Key`. */
export function presentedToken(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^\s*bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const key = headers['x-api-key'];
  return typeof key === 'string' && key !== '' ? key.trim() : undefined;
}

/**
 * True when `presented` equals one of the tokens. Digests of equal length are compared with
 * timingSafeEqual against every token (no early exit), so the time taken reveals neither which
 * token matched nor how much of one did.
 */
export function matchesAny(presented: string | undefined, digests: readonly Buffer[]): boolean {
  const d = digest(presented ?? '');
  let ok = false;
  for (const t of digests) ok = timingSafeEqual(d, t) || ok;
  return ok && presented !== undefined;
}

/** An authenticator, or undefined when no token is configured (every route open). */
export function createAuthenticator(options: AuthOptions): Authenticator | undefined {
  if (options.tokens.length === 0 && options.metricsTokens.length === 0) return undefined;
  const api = options.tokens.map(digest);
  const metrics = options.metricsTokens.map(digest);
  return {
    allows(headers, route) {
      if (route === 'metrics') return metrics.length === 0 || matchesAny(presentedToken(headers), metrics);
      if (api.length === 0 || (route === 'health' && !options.protectHealth)) return true;
      return matchesAny(presentedToken(headers), api);
    },
  };
}

/** The class of a path: liveness and readiness probes, `/metrics`, or the API. */
export function routeClass(path: string): RouteClass {
  if (path === '/ping' || path === '/health' || path === '/v2/health/live' || path === '/v2/health/ready') return 'health';
  if (path === '/metrics') return 'metrics';
  if (path.startsWith('/v2/models/') && path.endsWith('/ready')) return 'health';
  if (path.startsWith('/models/') && /^\/models\/[^/]+\/(?:ping|health)$/.test(path)) return 'health';
  return 'api';
}

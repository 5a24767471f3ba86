// Owns CORS (Fetch standard, "CORS protocol"): which browser origins may call the server, the
// headers of their answers, and preflight answers. Off unless origins are configured.

/** CORS settings. */
export interface CorsOptions {
  /** Allowed origins (`https://app.example.com`), or `*` for any origin (not with credentials). */
  readonly origins: readonly string[];
  /** Let browsers send cookies / HTTP auth (`Access-Control-Allow-Credentials`); needs explicit origins. */
  readonly allowCredentials: boolean;
}

/** Methods the server answers. */
const METHODS = 'GET, HEAD, POST';
/** How long a browser may cache a preflight answer, in seconds. */
const MAX_AGE = '600';
/** Answer headers a page may read besides the CORS-safelisted ones. */
const EXPOSE = 'x-mlserve-version, retry-after, www-authenticate';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** A checker of origins with the answers' headers; create once per server. */
export interface Cors {
  /** Headers for the answer to a request from `origin`, or undefined when it gets none (no or another origin). */
  answerHeaders(origin: string | undefined): Record<string, string> | undefined;
  /** For an OPTIONS preflight (Origin + Access-Control-Request-Method): its status and headers; undefined for other requests. */
  preflight(method: string | undefined, headers: Headers): { status: number; headers: Record<string, string> } | undefined;
}

/** Origins compare as serialised: scheme and host in lower case, no trailing slash. */
function normalise(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

/** A CORS checker, or undefined when no origin is configured (no CORS headers at all). */
export function createCors(options: CorsOptions): Cors | undefined {
  if (options.origins.length === 0) return undefined;
  const any = options.origins.includes('*');
  const allowed = new Set(options.origins.map(normalise));
  const answerHeaders = (origin: string | undefined): Record<string, string> | undefined => {
    if (origin === undefined) return undefined;
    if (any && !options.allowCredentials) return { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSE };
    // Vary: the answer depends on Origin, so caches must not hand it to another origin.
    if (!allowed.has(normalise(origin))) return { vary: 'Origin' };
    const h: Record<string, string> = { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': EXPOSE };
    if (options.allowCredentials) h['access-control-allow-credentials'] = 'true';
    return h;
  };
  return {
    answerHeaders,
    preflight(method, headers) {
      const origin = headers.origin;
      const requested = headers['access-control-request-method'];
      if (method !== 'OPTIONS' || typeof origin !== 'string' || typeof requested !== 'string') return undefined;
      const base = answerHeaders(origin);
      if (!base || !('access-control-allow-origin' in base) || !METHODS.split(', ').includes(requested.toUpperCase())) {
        return { status: 403, headers: { vary: 'Origin' } };
      }
      const h: Record<string, string> = { ...base, 'access-control-allow-methods': METHODS, 'access-control-max-age': MAX_AGE };
      const requestedHeaders = headers['access-control-request-headers'];
      if (typeof requestedHeaders === 'string' && requestedHeaders.trim() !== '') h['access-control-allow-headers'] = requestedHeaders;
      h.vary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
      return { status: 204, headers: h };
    },
  };
}

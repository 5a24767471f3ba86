// Owns HTTP calls to an MLflow tracking server: auth headers, per-request idle time-out, retries with
// urllib3's exponential backoff on 429/5xx and network errors (spec §7.8).

import { ServingError } from '../errors.js';
import { causeCode, httpError, TLS_CODES, unreachable } from './http-errors.js';
import type { FetchLike } from './node-fetch.js';

/** The REST client's settings (see config/tracking.ts for their sources and defaults). */
export interface HttpSettings {
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
  readonly workspace?: string;
  readonly requestTimeoutMs: number;
  readonly maxRetries: number;
  readonly backoffFactorMs: number;
  readonly backoffJitterMs: number;
}

/** Who is called, for messages: `role` (`tracking store`, `model registry`, `artifact store`) and the redacted URI. */
export interface Where {
  readonly role: string;
  readonly uri: string;
}

/** An answered request: read its body through `chunks()`, which keeps the idle time-out armed. */
export interface HttpReply {
  readonly response: Response;
  /** Yields the body's chunks; each chunk re-arms the time-out. */
  chunks(): AsyncGenerator<Uint8Array>;
  /** Drops the body unread (and disarms the time-out). */
  cancel(): Promise<void>;
}

/** urllib3's status_forcelist in MLflow. */
const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const BACKOFF_MAX_MS = 120_000;

/** Re-armable time-out on an AbortController: MLflow's time-out bounds each wait for bytes, not a whole download. */
class IdleTimer {
  fired = false;
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly ms: number,
    readonly controller: AbortController,
  ) {
    this.touch();
  }
  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort();
    }, this.ms);
    // The socket keeps the process alive while a request is pending; the timer alone must not.
    this.timer.unref();
  }
  stop(): void {
    clearTimeout(this.timer);
  }
}

/** Calls one MLflow server (or several: every call names its absolute URL). */
export class HttpClient {
  constructor(
    private readonly settings: HttpSettings,
    private readonly fetchFn: FetchLike,
  ) {}

  /** Auth headers: Basic (user and password, from settings or the URL) wins over Bearer (spec §7.8). */
  private headers(url: URL, json: boolean): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json, */*' };
    const user = this.settings.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
    const pass = this.settings.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
    if (user !== undefined && pass !== undefined) h.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    else if (this.settings.token) h.authorization = `Bearer ${this.settings.token}`;
    if (this.settings.workspace) h['x-mlflow-workspace'] = this.settings.workspace;
    if (json) h['content-type'] = 'application/json';
    return h;
  }

  private backoffMs(retry: number): number {
    if (retry <= 1) return 0;
    const base = Math.min(BACKOFF_MAX_MS, this.settings.backoffFactorMs * 2 ** (retry - 1));
    return base + Math.random() * this.settings.backoffJitterMs;
  }

  /**
   * Sends a request, retrying 429/5xx answers and network errors up to `maxRetries` times.
   * Returns a 2xx reply; throws a ServingError naming the server (`where`) otherwise.
   */
  async send(url: URL, init: { method?: 'GET' | 'POST'; json?: unknown; where: Where }): Promise<HttpReply> {
    const method = init.method ?? 'GET';
    const target = new URL(url.href);
    const headers = this.headers(target, init.json !== undefined);
    target.username = '';
    target.password = '';
    const what = `${method} ${target.pathname}`;
    for (let attempt = 0; ; attempt++) {
      const idle = new IdleTimer(this.settings.requestTimeoutMs, new AbortController());
      let res: Response;
      try {
        const body = init.json === undefined ? undefined : JSON.stringify(init.json);
        res = await this.fetchFn(target.href, { method, headers, body, signal: idle.controller.signal });
      } catch (err) {
        idle.stop();
        const code = causeCode(err);
        if (attempt < this.settings.maxRetries && !TLS_CODES.test(code)) {
          await sleep(this.backoffMs(attempt + 1));
          continue;
        }
        throw idle.fired ? this.deadline(what, init.where, attempt + 1) : unreachable(what, init.where, code, attempt + 1);
      }
      if (RETRY_STATUS.has(res.status) && attempt < this.settings.maxRetries) {
        idle.stop();
        await res.body?.cancel().catch(() => undefined);
        await sleep(Math.max(this.backoffMs(attempt + 1), retryAfterMs(res)));
        continue;
      }
      const reply = this.reply(res, idle, what, init.where);
      if (res.ok) return reply;
      let text = '';
      try {
        for await (const c of reply.chunks()) if ((text += Buffer.from(c).toString('utf8')).length > 65_536) break;
      } catch (err) {
        if (err instanceof ServingError) throw err;
      }
      throw httpError(res.status, text, what, init.where);
    }
  }

  private reply(response: Response, idle: IdleTimer, what: string, where: Where): HttpReply {
    const self = this;
    return {
      response,
      async *chunks() {
        const reader = response.body?.getReader();
        try {
          while (reader) {
            idle.touch();
            let next: ReadableStreamReadResult<Uint8Array>;
            try {
              next = await reader.read();
            } catch (err) {
              throw idle.fired ? self.deadline(what, where, 1) : unreachable(what, where, causeCode(err), 1);
            }
            if (next.done) break;
            yield next.value;
          }
        } finally {
          idle.stop();
          await reader?.cancel().catch(() => undefined);
        }
      },
      async cancel() {
        idle.stop();
        await response.body?.cancel().catch(() => undefined);
      },
    };
  }

  /** Sends a request and parses its JSON answer (`{}` for an empty body, as proto3 JSON may send). */
  async json<T>(url: URL, init: { method?: 'GET' | 'POST'; json?: unknown; where: Where }): Promise<T> {
    const reply = await this.send(url, init);
    const parts: Uint8Array[] = [];
    for await (const c of reply.chunks()) parts.push(c);
    const text = Buffer.concat(parts).toString('utf8');
    try {
      return (text.trim() === '' ? {} : JSON.parse(text)) as T;
    } catch {
      throw new ServingError('INTERNAL_ERROR', `The ${init.where.role} at ${init.where.uri} sent a non-JSON answer to ${init.method ?? 'GET'} ${url.pathname}: ${text.slice(0, 200)}`);
    }
  }

  private deadline(what: string, where: Where, attempts: number): ServingError {
    const s = this.settings.requestTimeoutMs / 1000;
    return new ServingError(
      'DEADLINE_EXCEEDED',
      `The ${where.role} at ${where.uri} did not answer ${what} within ${s} s (MLFLOW_HTTP_REQUEST_TIMEOUT) after ${attempts} attempt(s). Check that the server is up, or raise MLFLOW_HTTP_REQUEST_TIMEOUT.`,
    );
  }
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((r) => setTimeout(r, ms));
}

function retryAfterMs(res: Response): number {
  const v = Number(res.headers.get('retry-after'));
  return Number.isFinite(v) && v > 0 ? Math.min(v * 1000, BACKOFF_MAX_MS) : 0;
}

// Owns mlserve's log output: levels, text or JSON lines, the access log, and cheap batched writes.
//
// One logger is made per server (or command) and passed down like options. Lines are queued and
// written once per event-loop turn (an error flushes at once); access lines alone wait up to
// ACCESS_FLUSH_MS, so the access log costs one string per request and one write per few dozen
// milliseconds, not one system call per request (or per turn, which at one connection is the same).

/** Levels, most severe first; a logger at `info` writes error, warn and info lines. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
/** How severe a line is (`--log-level`, `MLSERVE_LOG_LEVEL`). */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Line formats (`--log-format`): `text` for people, `json` (one object per line) for log collectors. */
export const LOG_FORMATS = ['text', 'json'] as const;
/** A line format. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Structured fields of a line; `undefined` values are left out. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** One answered request, for the access log. */
export interface AccessRecord {
  /** HTTP method (`POST` for gRPC calls). */
  readonly method: string;
  /** Request path, without the query string (a gRPC call's `/package.Service/Method`). */
  readonly path: string;
  /** HTTP status sent (499 when the client went away first; 200 for gRPC, whose code is in `grpcStatus`). */
  readonly status: number;
  /** Body bytes sent, when known. */
  readonly bytes?: number;
  /** Milliseconds from the request's arrival to the answer. */
  readonly durationMs: number;
  /** The request's id (`X-Request-ID`, received or generated). */
  readonly requestId: string;
  /** The gRPC status code name of a gRPC call. */
  readonly grpcStatus?: string;
}

/** Where mlserve writes what it does. */
export interface Logger {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** True when lines of `level` are written (check before building costly fields). */
  enabled(level: LogLevel): boolean;
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** One line per answered request, at `info`. */
  access(record: AccessRecord): void;
  /** Writes queued lines now. */
  flush(): void;
}

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** @default 'info' */
  readonly level?: LogLevel;
  /** @default 'text' */
  readonly format?: LogFormat;
  /** Receives batches of whole lines. @default writing to standard error */
  readonly write?: (chunk: string) => void;
  /** Clock, for tests. @default Date.now */
  readonly now?: () => number;
}

const RANK: Readonly<Record<LogLevel, number>> = { error: 0, warn: 1, info: 2, debug: 3 };
const TEXT_LEVEL: Readonly<Record<LogLevel, string>> = { error: 'ERROR', warn: 'WARN ', info: 'INFO ', debug: 'DEBUG' };
/** Queued text past this many characters is written at once, whatever the turn. */
const FLUSH_CHARS = 64 * 1024;
/**
 * Access lines alone are written at most this long after they were logged (as a web server's buffered
 * access log): one write per request at low concurrency cost about 5% of a small model's request.
 * Any other line, and the process's exit, writes them at once.
 */
const ACCESS_FLUSH_MS = 25;

/** Text of a value in a text line: bare when it is plain printable ASCII, else JSON-quoted (no line can be forged). */
function textValue(v: string | number | boolean): string {
  if (typeof v !== 'string') return String(v);
  return v !== '' && !/[^\x21-\x7e]|"/.test(v) ? v : JSON.stringify(v);
}

/** A message in a text line: newlines of stacks are kept, indented, so a line never starts like a new entry. */
function textMessage(m: string): string {
  return m.includes('\n') ? m.replace(/\r?\n/g, '\n    ') : m;
}

function textFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  let out = '';
  for (const k in fields) {
    const v = fields[k];
    if (v === undefined) continue;
    // A stack reads best on its own lines.
    out += k === 'stack' && typeof v === 'string' ? `\n    ${textMessage(v)}` : ` ${k}=${textValue(v)}`;
  }
  return out;
}

function jsonFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  let out = '';
  for (const k in fields) {
    const v = fields[k];
    if (v !== undefined) out += `,${JSON.stringify(k)}:${typeof v === 'number' && !Number.isFinite(v) ? 'null' : JSON.stringify(v)}`;
  }
  return out;
}

/** Milliseconds with at most three decimals. */
function ms(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** Loggers holding queued lines: written on exit, so lines logged just before `process.exit` are not lost. */
const pendingFlushes = new Set<() => void>();
let exitHooked = false;

function flushOnExit(flush: () => void): void {
  pendingFlushes.add(flush);
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const f of pendingFlushes) f();
  });
}

/** Creates a logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const format = options.format ?? 'text';
  const sink = options.write ?? ((chunk: string) => void process.stderr.write(chunk));
  const now = options.now ?? Date.now;
  const limit = RANK[level];
  let queued = '';
  let scheduled = false;
  let timer: NodeJS.Timeout | undefined;
  // Under load many lines share a millisecond: format its timestamp once.
  let stampMs = NaN;
  let stamp = '';
  const timestamp = (): string => {
    const t = now();
    if (t !== stampMs) {
      stampMs = t;
      stamp = new Date(t).toISOString();
    }
    return stamp;
  };

  const flush = (): void => {
    scheduled = false;
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    pendingFlushes.delete(flush);
    if (queued === '') return;
    const chunk = queued;
    queued = '';
    sink(chunk);
  };
  /** Queues a line: `now` writes at once, `turn` at the end of this event-loop turn, `soon` within ACCESS_FLUSH_MS. */
  const enqueue = (line: string, when: 'now' | 'turn' | 'soon'): void => {
    queued += line;
    if (when === 'now' || queued.length > FLUSH_CHARS) return flush();
    if (scheduled) return;
    if (when === 'turn') {
      scheduled = true;
      flushOnExit(flush);
      setImmediate(flush);
    } else if (timer === undefined) {
      // Registered once per timer (flush clears both), not once per access line.
      flushOnExit(flush);
      timer = setTimeout(flush, ACCESS_FLUSH_MS);
      // The log never keeps the process alive; exit writes what is queued.
      timer.unref();
    }
  };

  const line = (lvl: LogLevel, message: string, fields?: LogFields): void => {
    if (RANK[lvl] > limit) return;
    const time = timestamp();
    const text =
      format === 'json'
        ? `{"time":"${time}","level":"${lvl}","msg":${JSON.stringify(message)}${jsonFields(fields)}}\n`
        : `${time} ${TEXT_LEVEL[lvl]} ${textMessage(message)}${textFields(fields)}\n`;
    enqueue(text, lvl === 'error' ? 'now' : 'turn');
  };

  const access = (r: AccessRecord): void => {
    if (RANK.info > limit) return;
    const time = timestamp();
    const bytes = r.bytes;
    if (format === 'json') {
      enqueue(
        `{"time":"${time}","level":"info","msg":"access","method":${JSON.stringify(r.method)},"path":${JSON.stringify(r.path)},"status":${r.status}${bytes === undefined ? '' : `,"bytes":${bytes}`},"duration_ms":${ms(r.durationMs)},"request_id":${JSON.stringify(r.requestId)}${r.grpcStatus === undefined ? '' : `,"grpc_status":${JSON.stringify(r.grpcStatus)}`}}\n`,
        'soon',
      );
      return;
    }
    const grpc = r.grpcStatus === undefined ? '' : ` grpc_status=${r.grpcStatus}`;
    enqueue(
      `${time} INFO  access ${textValue(r.method)} ${textValue(r.path)} ${r.status} ${bytes === undefined ? '-' : bytes} ${ms(r.durationMs)}ms id=${textValue(r.requestId)}${grpc}\n`,
      'soon',
    );
  };

  return {
    level,
    format,
    enabled: (lvl) => RANK[lvl] <= limit,
    error: (m, f) => line('error', m, f),
    warn: (m, f) => line('warn', m, f),
    info: (m, f) => line('info', m, f),
    debug: (m, f) => line('debug', m, f),
    access,
    flush,
  };
}

/** A logger that writes nothing (library callers who want silence). */
export const silentLogger: Logger = Object.freeze({
  level: 'error' as LogLevel,
  format: 'text' as LogFormat,
  enabled: () => false,
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  access: () => undefined,
  flush: () => undefined,
});

/** The error's name, message and stack as log fields (a thrown non-Error becomes its text). */
export function errorFields(err: unknown): { error: string; stack?: string } {
  if (err instanceof Error) return { error: `${err.name}: ${err.message}`, stack: err.stack };
  return { error: String(err) };
}

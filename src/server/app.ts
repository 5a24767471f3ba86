// Owns the HTTP server: routing, MLflow's 404/405/307 answers, health, version, timeouts, and error rendering.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DeadlineExceededError } from '../errors.js';
import { readBody } from './body.js';
import { renderError, type HttpAnswer } from './render.js';
import { decodeRequest, score, type ScoringContext } from '../pipeline/mlflow.js';

/** The MLflow version whose scoring protocol mlserve implements; `/version` answers it as MLflow does. */
export const MLFLOW_PROTOCOL_VERSION = '3.6.1.dev0';

/** What the app needs: the scoring context and the limits. */
export interface AppOptions {
  readonly scoring: ScoringContext;
  /** Seconds before a request gets 504. */
  readonly timeoutSeconds: number;
  /** Largest body accepted. */
  readonly bodyLimitBytes: number;
  /** mlserve's own version, sent as `x-mlserve-version`. */
  readonly serverVersion: string;
  /** Where unexpected errors are logged. */
  readonly log?: (message: string) => void;
}

type Route = { methods: readonly string[]; handle: (req: IncomingMessage, res: ServerResponse) => void };

const JSON_TYPE = 'application/json';
const NOT_FOUND = '{"detail":"Not Found"}';
const NOT_ALLOWED = '{"detail":"Method Not Allowed"}';

function send(res: ServerResponse, answer: HttpAnswer, head = false): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = {
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(answer.body),
    ...answer.headers,
  };
  res.writeHead(answer.status, headers);
  res.end(head ? undefined : answer.body);
}

/** Creates the request listener of the MLflow-compatible server. */
export function createHandler(options: AppOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const log = options.log ?? ((m: string) => console.error(m));
  const timeoutMs = options.timeoutSeconds * 1000;

  const health = (req: IncomingMessage, res: ServerResponse): void =>
    send(res, { status: 200, contentType: JSON_TYPE, body: '\n' }, req.method === 'HEAD');
  const version = (req: IncomingMessage, res: ServerResponse): void =>
    send(res, { status: 200, contentType: JSON_TYPE, body: MLFLOW_PROTOCOL_VERSION }, req.method === 'HEAD');

  const invocations = (req: IncomingMessage, res: ServerResponse): void => {
    let done = false;
    const deadline = Date.now() + timeoutMs;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      // The model call is not cancelled (as in MLflow); its late result is dropped.
      send(res, renderError(new DeadlineExceededError(), log));
    }, timeoutMs);
    const finish = (answer: HttpAnswer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      send(res, answer);
    };
    const contentType = req.headers['content-type'];
    readBody(req, options.bodyLimitBytes)
      .then((body) => score(decodeRequest(contentType, body, options.scoring), options.scoring, { deadline }))
      .then(
        (text) => finish({ status: 200, contentType: JSON_TYPE, body: text }),
        (err) => {
          const answer = renderError(err, log);
          if (answer.status === 413) answer.headers = { ...answer.headers, connection: 'close' };
          finish(answer);
        },
      );
  };

  const routes: Record<string, Route> = {
    '/ping': { methods: ['GET', 'HEAD'], handle: health },
    '/health': { methods: ['GET', 'HEAD'], handle: health },
    '/version': { methods: ['GET', 'HEAD'], handle: version },
    '/invocations': { methods: ['POST'], handle: invocations },
  };

  return (req, res) => {
    res.setHeader('x-mlserve-version', options.serverVersion);
    try {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const route = routes[path];
      if (route) {
        if (route.methods.includes(req.method ?? '')) return route.handle(req, res);
        req.resume();
        return send(res, { status: 405, contentType: JSON_TYPE, body: NOT_ALLOWED, headers: { allow: route.methods.join(', ') } });
      }
      req.resume();
      if (path.length > 1 && path.endsWith('/') && routes[path.slice(0, -1)]) {
        const host = req.headers.host ?? 'localhost';
        res.writeHead(307, { location: `http://${host}${path.slice(0, -1)}${q < 0 ? '' : url.slice(q)}`, 'content-length': 0 });
        return res.end();
      }
      send(res, { status: 404, contentType: JSON_TYPE, body: NOT_FOUND });
    } catch (err) {
      send(res, renderError(err, log));
    }
  };
}

/** Creates (but does not start) the HTTP server. */
export function createAppServer(options: AppOptions): Server {
  const server = createServer({ keepAliveTimeout: 65_000 }, createHandler(options));
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

// Owns the settings of model URI resolution read from the environment: tracking and registry
// URIs, the REST client's credentials, TLS, time-out and retries, and the model cache folder.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidOptionsError } from '../errors.js';
import type { Env } from './options.js';

/** Settings of model URI resolution (spec §5.7, §7.5, §7.8). */
export interface TrackingSettings {
  /** Tracking store URI; unset means MLflow's default (spec §7.5). @default undefined (env MLFLOW_TRACKING_URI) */
  trackingUri?: string;
  /** Registry store URI; unset means the tracking URI. @default undefined (env MLFLOW_REGISTRY_URI) */
  registryUri?: string;
  /** Folder of downloaded models. @default '~/.cache/mlserve/models' (env MLSERVE_CACHE_DIR, else $XDG_CACHE_HOME/mlserve/models) */
  cacheDir: string;
  /** HTTP Basic user; with `password` it wins over `token`. @default undefined (env MLFLOW_TRACKING_USERNAME, else ~/.mlflow/credentials) */
  username?: string;
  /** HTTP Basic password. @default undefined (env MLFLOW_TRACKING_PASSWORD, else ~/.mlflow/credentials) */
  password?: string;
  /** Sent as `Authorization: Bearer <token>`. @default undefined (env MLFLOW_TRACKING_TOKEN) */
  token?: string;
  /** Skip TLS certificate verification. @default false (env MLFLOW_TRACKING_INSECURE_TLS) */
  insecureTls: boolean;
  /** PEM file with the client certificate and key. @default undefined (env MLFLOW_TRACKING_CLIENT_CERT_PATH) */
  clientCertPath?: string;
  /** PEM file of the CA that signed the server's certificate. @default undefined (env MLFLOW_TRACKING_SERVER_CERT_PATH) */
  serverCertPath?: string;
  /** Per-request time-out (idle time while waiting for bytes), ms. @default 120000 (env MLFLOW_HTTP_REQUEST_TIMEOUT, seconds) */
  requestTimeoutMs: number;
  /** Retries after a 429/5xx answer or a network error. @default 5 (env MLFLOW_HTTP_REQUEST_MAX_RETRIES) */
  maxRetries: number;
  /** Backoff factor: retry n (n ≥ 2) waits factor·2^(n-1), the first retry none (urllib3). @default 2000 (env MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR, seconds) */
  backoffFactorMs: number;
  /** Random extra wait added to each backoff, up to this many ms. @default 1000 (env MLFLOW_HTTP_REQUEST_BACKOFF_JITTER, seconds) */
  backoffJitterMs: number;
  /** Workspace of the fork's workspace-aware stores; sent as `X-MLFLOW-WORKSPACE`. @default undefined ('default' in SQL filters) (env MLFLOW_WORKSPACE) */
  workspace?: string;
}

/** Defaults of the numeric and boolean settings (MLflow's, spec §5.7). */
export const TRACKING_DEFAULTS = Object.freeze({
  requestTimeoutMs: 120_000,
  maxRetries: 5,
  backoffFactorMs: 2_000,
  backoffJitterMs: 1_000,
  insecureTls: false,
});

/** Where to find the user's home (tests point it at a temporary folder). */
export interface TrackingEnvOptions {
  /** Home folder for `~/.cache` and `~/.mlflow/credentials`. @default os.homedir() */
  home?: string;
}

/**
 * Reads the resolution settings from `env` (pass `processEnv()`; nothing else is consulted but
 * `~/.mlflow/credentials`). Reports every invalid value at once (InvalidOptionsError) and freezes the result.
 */
export function readTrackingSettings(env: Env, options: TrackingEnvOptions = {}): Readonly<TrackingSettings> {
  const home = options.home ?? homedir();
  const problems: string[] = [];
  const seconds = (name: string, fallbackMs: number): number => {
    const v = nonEmpty(env[name]);
    if (v === undefined) return fallbackMs;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) {
      problems.push(`${name} must be a non-negative number of seconds, got '${v}'.`);
      return fallbackMs;
    }
    return n * 1000;
  };
  const retries = nonEmpty(env.MLFLOW_HTTP_REQUEST_MAX_RETRIES);
  const maxRetries = retries === undefined ? TRACKING_DEFAULTS.maxRetries : Number(retries);
  if (!Number.isInteger(maxRetries) || maxRetries < 0) problems.push(`MLFLOW_HTTP_REQUEST_MAX_RETRIES must be a non-negative integer, got '${retries}'.`);
  const insecure = nonEmpty(env.MLFLOW_TRACKING_INSECURE_TLS)?.toLowerCase();
  if (insecure !== undefined && !['true', 'false', '1', '0'].includes(insecure)) {
    problems.push(`MLFLOW_TRACKING_INSECURE_TLS must be one of true, false, 1, 0, got '${env.MLFLOW_TRACKING_INSECURE_TLS}'.`);
  }
  const timeoutMs = seconds('MLFLOW_HTTP_REQUEST_TIMEOUT', TRACKING_DEFAULTS.requestTimeoutMs);
  if (timeoutMs === 0) problems.push('MLFLOW_HTTP_REQUEST_TIMEOUT must be greater than 0.');
  const creds = nonEmpty(env.MLFLOW_TRACKING_USERNAME) || nonEmpty(env.MLFLOW_TRACKING_PASSWORD) ? {} : readCredentialsFile(home);
  const settings: TrackingSettings = {
    trackingUri: nonEmpty(env.MLFLOW_TRACKING_URI),
    registryUri: nonEmpty(env.MLFLOW_REGISTRY_URI),
    cacheDir: resolve(nonEmpty(env.MLSERVE_CACHE_DIR) ?? join(nonEmpty(env.XDG_CACHE_HOME) ?? join(home, '.cache'), 'mlserve', 'models')),
    username: nonEmpty(env.MLFLOW_TRACKING_USERNAME) ?? creds.username,
    password: nonEmpty(env.MLFLOW_TRACKING_PASSWORD) ?? creds.password,
    token: nonEmpty(env.MLFLOW_TRACKING_TOKEN),
    insecureTls: insecure === 'true' || insecure === '1',
    clientCertPath: nonEmpty(env.MLFLOW_TRACKING_CLIENT_CERT_PATH),
    serverCertPath: nonEmpty(env.MLFLOW_TRACKING_SERVER_CERT_PATH),
    requestTimeoutMs: timeoutMs || TRACKING_DEFAULTS.requestTimeoutMs,
    maxRetries: Number.isInteger(maxRetries) && maxRetries >= 0 ? maxRetries : TRACKING_DEFAULTS.maxRetries,
    backoffFactorMs: seconds('MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR', TRACKING_DEFAULTS.backoffFactorMs),
    backoffJitterMs: seconds('MLFLOW_HTTP_REQUEST_BACKOFF_JITTER', TRACKING_DEFAULTS.backoffJitterMs),
    workspace: nonEmpty(env.MLFLOW_WORKSPACE),
  };
  if (problems.length > 0) throw new InvalidOptionsError(problems);
  return Object.freeze(settings);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

/** `~/.mlflow/credentials`, section `[mlflow]` (MLflow's fallback when the env variables are unset). */
function readCredentialsFile(home: string): { username?: string; password?: string } {
  let text: string;
  try {
    text = readFileSync(join(home, '.mlflow', 'credentials'), 'utf8');
  } catch {
    return {};
  }
  const out: { username?: string; password?: string } = {};
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.*)\]$/.exec(line);
    if (head) {
      section = head[1].trim();
      continue;
    }
    const kv = /^([^=:]+)[=:](.*)$/.exec(line);
    if (section !== 'mlflow' || !kv) continue;
    const key = kv[1].trim().toLowerCase();
    if (key === 'mlflow_tracking_username') out.username = kv[2].trim();
    if (key === 'mlflow_tracking_password') out.password = kv[2].trim();
  }
  return out;
}

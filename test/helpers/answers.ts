// Test helper: compare an HTTP answer with the one `mlflow models serve` gave for the same request.

import { parseAnswer } from './compare.js';

/** An HTTP answer. */
export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * A message with Python set literals (`{'b', 'a'}`) in sorted order: a set's order depends on the
 * process's string hashing (PYTHONHASHSEED), so MLflow itself words them differently run to run.
 */
export function sortPythonSets(message: string): string {
  return message.replace(/\{('[^'{}]*'(?:, '[^'{}]*')+)\}/g, (_m, items: string) => `{${items.split(', ').sort().join(', ')}}`);
}

const CREATED = /"created": (\d+)/g;

/**
 * Equal bodies, but for the `"created"` timestamps of chat answers (the model's clock at the
 * call, so two servers asked one after the other may be a second apart): those may differ by 5 s.
 */
function sameClockFree(actual: string, expected: string): boolean {
  if (actual === expected) return true;
  const a = [...actual.matchAll(CREATED)].map((m) => Number(m[1]));
  const e = [...expected.matchAll(CREATED)].map((m) => Number(m[1]));
  if (a.length === 0 || a.length !== e.length || a.some((t, i) => Math.abs(t - e[i]) > 5)) return false;
  return actual.replace(CREATED, '"created": 0') === expected.replace(CREATED, '"created": 0');
}

/**
 * Undefined when `actual` is MLflow's `expected` answer: same status; a 200 JSON body byte for
 * byte; the `created` timestamps of chat answers within 5 s; an error with the same `error_code` and `message` (set literals compared sorted; with
 * `codeOnly`, messages are not compared). MLflow's plain-text 415 answers compare by status;
 * `stack_trace` is not compared (tracebacks name files and lines).
 */
export function sameAnswer(expected: Answer, actual: Answer, codeOnly = false): string | undefined {
  if (expected.status !== actual.status) return `status ${actual.status}, MLflow ${expected.status}\n  mlserve: ${actual.body.slice(0, 500)}\n  MLflow:  ${expected.body.slice(0, 500)}`;
  if (expected.status === 415) return undefined;
  if (expected.status === 200) return sameClockFree(actual.body, expected.body) ? undefined : `body differs\n  mlserve: ${actual.body.slice(0, 800)}\n  MLflow:  ${expected.body.slice(0, 800)}`;
  let e: Record<string, unknown>;
  let a: Record<string, unknown>;
  try {
    e = parseAnswer(expected.body) as Record<string, unknown>;
    a = parseAnswer(actual.body) as Record<string, unknown>;
  } catch {
    return actual.body === expected.body ? undefined : `body differs\n  mlserve: ${actual.body.slice(0, 500)}\n  MLflow:  ${expected.body.slice(0, 500)}`;
  }
  if (e.error_code !== a.error_code) return `error_code ${String(a.error_code)}, MLflow ${String(e.error_code)}\n  mlserve: ${String(a.message)}\n  MLflow:  ${String(e.message)}`;
  if (!codeOnly && sortPythonSets(String(e.message)) !== sortPythonSets(String(a.message))) return `message differs\n  mlserve: ${JSON.stringify(a.message)}\n  MLflow:  ${JSON.stringify(e.message)}`;
  return undefined;
}

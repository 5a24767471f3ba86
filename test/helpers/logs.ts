// Test helper: a logger whose JSON lines are kept in memory, parsed.

import { createLogger, type Logger, type LogLevel } from '../../src/logger.js';

/** A logger writing JSON lines into `records` (call `flush()` before reading). */
export interface MemoryLogger extends Logger {
  readonly records: Record<string, unknown>[];
}

/** A JSON logger at `level` that keeps what it writes. */
export function memoryLogger(level: LogLevel = 'debug'): MemoryLogger {
  const records: Record<string, unknown>[] = [];
  const logger = createLogger({
    level,
    format: 'json',
    write: (chunk) => {
      for (const line of chunk.split('\n')) if (line) records.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  return { ...logger, records };
}

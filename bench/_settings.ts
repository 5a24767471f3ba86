// Owns the command-line settings the HTTP load benchmarks share: rounds, durations, connection levels, pinning.

import { parseArgs } from 'node:util';

/** Settings of a load benchmark. */
export interface LoadSettings {
  readonly rounds: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly connections: readonly number[];
  readonly pin: boolean;
  readonly profileDir?: string;
  /** Script-specific boolean flags that were given (e.g. `raw`). */
  readonly flags: ReadonlySet<string>;
}

/** A positive number from a flag's text, or the fallback when absent. */
export function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * Parses `--rounds N --duration S --warmup S --connections 1,16,64 --no-pin --smoke --profile DIR -h`
 * plus the script's own boolean flags; undefined when help was asked for. `--smoke`: 1 round of 0.5 s.
 */
export function parseLoadSettings(argv: string[], booleanFlags: readonly string[] = []): LoadSettings | undefined {
  const extra = Object.fromEntries(booleanFlags.map((f) => [f, { type: 'boolean' as const, default: false }]));
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      ...extra,
    },
  });
  if (values.help) return undefined;
  const v = values as Record<string, string | boolean | undefined>;
  const connections = ((v.connections as string | undefined) ?? '1,16,64').split(',').map((c) => Math.round(positive('connections', c.trim(), 1)));
  return {
    rounds: v.smoke ? 1 : Math.round(positive('rounds', v.rounds as string | undefined, 3)),
    durationMs: (v.smoke ? 0.5 : positive('duration', v.duration as string | undefined, 3)) * 1000,
    warmupMs: (v.smoke ? 0.2 : positive('warmup', v.warmup as string | undefined, 1)) * 1000,
    connections,
    pin: !v['no-pin'],
    profileDir: v.profile as string | undefined,
    flags: new Set(booleanFlags.filter((f) => v[f] === true)),
  };
}

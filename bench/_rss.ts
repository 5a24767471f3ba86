// Owns reading a process's resident memory from /proc (current and peak), for the hardening benchmarks.

import { readFileSync } from 'node:fs';

/** Resident set size and its peak (VmHWM) in MB, or undefined where /proc is missing. */
export function readRssMb(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

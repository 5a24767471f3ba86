// Owns CPU-time readings from /proc (Linux) for the benchmarks: one process's CPU time and the whole machine's busy time.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicksPerSecond: number | undefined;
function clockTicks(): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

/** utime + stime of every thread of `pid`, in ms (proc(5): fields 14 and 15 of /proc/PID/stat); undefined without /proc. */
export function readProcessCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
  } catch {
    return undefined;
  }
}

/**
 * CPU ms the whole machine has spent busy, all CPUs summed (proc(5): the `cpu` line of /proc/stat, every
 * column but idle and iowait; steal included, since a stolen CPU is one the benchmark didn't get); undefined without /proc.
 */
export function readMachineBusyMs(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user! + nice! + system! + irq! + softirq! + steal!) * 1000) / clockTicks();
  } catch {
    return undefined;
  }
}

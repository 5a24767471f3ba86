// Owns CPU-time readings from /proc (Linux) for the benchmarks: one process's CPU time and the whole machine's busy time.

import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

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

/** Parent pid of every process, from /proc/PID/stat (field 4). */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      map.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  return map;
}

/** CPU ms of `pid` and every process below it (an mlserve server and its Python workers); undefined without /proc. */
export function readTreeCpuMs(pid: number): number | undefined {
  const own = readProcessCpuMs(pid);
  if (own === undefined) return undefined;
  const ppid = parents();
  let total = 0;
  for (const p of ppid.keys()) {
    for (let q: number | undefined = p; q !== undefined && q > 1; q = ppid.get(q)) {
      if (q === pid) {
        total += readProcessCpuMs(p) ?? 0;
        break;
      }
    }
  }
  return total;
}

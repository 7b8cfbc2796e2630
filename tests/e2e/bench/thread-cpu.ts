import { readdirSync, readFileSync } from 'node:fs';

/** One thread's CPU time (µs) and name, from /proc. */
export interface ThreadCpu {
  name: string;
  us: number;
}

/** CPU time (µs) per thread of this process, from /proc (Linux); empty elsewhere. */
export function threadCpu(): Map<string, ThreadCpu> {
  const times = new Map<string, ThreadCpu>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return times;
  }
  const tick = 1e6 / 100; // USER_HZ is 100 on Linux
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      times.set(tid, { name, us: (Number(fields[11]) + Number(fields[12])) * tick });
    } catch {
      // the thread ended meanwhile
    }
  }
  return times;
}

/**
 * Splits the CPU used between two {@link threadCpu} readings into the main (JavaScript) thread and the others:
 * libuv's pool running file system calls, V8's helpers (GC and compilation). Node 20 names them all `node`, so they
 * are not told apart. `process.cpuUsage()` counts them all together.
 */
export function splitThreadCpu(before: Map<string, ThreadCpu>, after: Map<string, ThreadCpu>) {
  const main = String(process.pid);
  let mainUs = 0;
  let otherUs = 0;
  for (const [tid, { us }] of after) {
    const used = us - (before.get(tid)?.us ?? 0);
    if (tid === main) mainUs += used;
    else otherUs += used;
  }
  return after.size === 0 ? undefined : { mainUs, otherUs };
}

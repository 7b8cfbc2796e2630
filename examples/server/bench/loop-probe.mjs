/**
 * A preload (`node --import ./bench/loop-probe.mjs`) for profiling a run: event-loop delay (monitorEventLoopDelay),
 * event-loop utilisation, and the count and total time of FileHandle.sync() (fsync) calls. SIGUSR2 prints a
 * `LOOP-PROBE {json}` line to stderr and starts a new window; so does the process's exit.
 */
import { open } from 'node:fs/promises';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const fsync = { count: 0, ms: 0 };
let since = performance.eventLoopUtilization();
let startedAt = performance.now();

const handle = await open(process.execPath, 'r');
const proto = Object.getPrototypeOf(handle);
await handle.close();
const sync = proto.sync;
proto.sync = async function timedSync(...args) {
  const started = performance.now();
  try {
    return await sync.apply(this, args);
  } finally {
    fsync.count += 1;
    fsync.ms += performance.now() - started;
  }
};

function report(label) {
  const elu = performance.eventLoopUtilization(since);
  const figures = {
    label,
    pid: process.pid,
    windowMs: Math.round(performance.now() - startedAt),
    delayMs: {
      mean: +(delay.mean / 1e6).toFixed(2),
      p50: +(delay.percentile(50) / 1e6).toFixed(2),
      p99: +(delay.percentile(99) / 1e6).toFixed(2),
      max: +(delay.max / 1e6).toFixed(2),
    },
    eventLoopUtilization: +elu.utilization.toFixed(3),
    fsync: {
      count: fsync.count,
      totalMs: Math.round(fsync.ms),
      meanMs: +(fsync.ms / Math.max(1, fsync.count)).toFixed(2),
    },
  };
  process.stderr.write(`LOOP-PROBE ${JSON.stringify(figures)}\n`);
  delay.reset();
  fsync.count = 0;
  fsync.ms = 0;
  since = performance.eventLoopUtilization();
  startedAt = performance.now();
}

process.on('SIGUSR2', () => report('window'));
process.on('exit', () => report('exit'));

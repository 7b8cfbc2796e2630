/**
 * Kills a run whose journal compacts itself while it appends (see FileProgressJournal.compactIfWorth) with SIGKILL
 * while a compaction is being written, and at seeded-random moments, then checks that the journal it left loads with
 * every unit the run reported done still done, and that resuming finishes every unit once. Reproduce with
 * CRASH_SEED=<seed>.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoCompactMinLines, openJournal } from '../src/journal/index.js';
import { mulberry32 } from '../src/testing/mulberry32.js';

const CHILD = fileURLToPath(new URL('./helpers/compact-crash-child.ts', import.meta.url));
// Long enough that kills 200 to 1,700 ms in land mid-run, with several compactions before the end.
const UNITS = Math.max(18_750, Math.ceil((1.5 * autoCompactMinLines) / 8));
const seed = Number(process.env.CRASH_SEED ?? 20261207);

interface ChildRun {
  killed: boolean;
  done: number[];
  temps: string[];
  finished: boolean;
  stderr: string;
}

/** Runs the child; kills it `killAfterMs` after `ready`, or as soon as it reports a compaction's temp file. */
function runChild(path: string, kill: { afterMs?: number; onTemp?: boolean }): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: {
        ...process.env,
        COMPACT_PATH: path,
        COMPACT_UNITS: String(UNITS),
        COMPACT_KILL_ON_TEMP: kill.onTemp ? '1' : '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: ChildRun = { killed: false, done: [], temps: [], finished: false, stderr: '' };
    const killNow = () => {
      if (run.killed || child.exitCode !== null) return;
      run.killed = true;
      child.kill('SIGKILL');
    };
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (data: string) => {
      buffer += data;
      for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('done ')) run.done.push(Number(line.slice(5)));
        else if (line.startsWith('temp ')) {
          run.temps.push(line.slice(5));
          if (kill.onTemp) killNow();
        } else if (line === 'finished') run.finished = true;
        else if (line === 'ready' && kill.afterMs !== undefined) setTimeout(killNow, kill.afterMs);
      }
    });
    child.stderr.on('data', (data: Buffer) => {
      run.stderr += data.toString();
    });
    child.on('error', reject);
    child.on('close', () => resolve(run));
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-compact-crash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('journal compaction while appending, under SIGKILL', () => {
  it(`loses nothing reported done when killed while a compaction is written or at random moments (seed ${seed})`, async () => {
    const path = join(dir, 'progress.jsonl');
    const random = mulberry32(seed);
    const reportedDone = new Set<number>();
    let killedInCompaction = 0;
    for (let attempt = 0; attempt < 6; attempt++) {
      // Odd attempts: killed while a compaction's temp file is being written; even ones: at a random moment.
      const onTemp = attempt % 2 === 1;
      const run = await runChild(path, onTemp ? { onTemp } : { afterMs: 200 + Math.floor(random() * 1500) });
      expect(run.stderr, `attempt ${attempt}`).not.toMatch(/Error/);
      for (const k of run.done) reportedDone.add(k);
      if (run.finished) break;
      expect(run.killed).toBe(true);
      if (onTemp && run.temps.length > 0) killedInCompaction++;
      // What the kill left: loaded by a fresh reader (no compaction of its own), every unit reported done is done.
      const journal = await openJournal(path, { fsync: false, autoCompact: false });
      for (const k of reportedDone) {
        const unitId = `m:s1:t${String(k).padStart(6, '0')}:sfw:enhanced`;
        expect(journal.isDone(unitId), `attempt ${attempt}: ${unitId} was reported done`).toBe(true);
      }
      await journal.close();
    }
    expect(killedInCompaction).toBeGreaterThan(0);
    const last = await runChild(path, {});
    expect(last.finished, last.stderr).toBe(true);
    const journal = await openJournal(path, { fsync: false, autoCompact: false });
    expect(journal.counts()).toMatchObject({ done: UNITS, uncertain: 0, 'in-flight': 0, failed: 0, pending: 0 });
    // Each op completed once, with the job of its last submission.
    const swap = journal.state('m:s1:t000042:sfw:enhanced')!.ops.swap!;
    expect(swap.status).toBe('completed');
    expect(swap.jobId).toBe(`job-swap-42-${swap.attempt}`);
    await journal.close();
    // A kill mid-compaction leaves its temp file; the next open removed it.
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }, 300_000);
});

import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autoCompactMinLines, INTERRUPTED_SUBMISSION_REASON, openJournal } from '../src/journal/index.js';

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-auto-compact-'));
  path = join(dir, 'progress.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = '2026-12-01T10:00:00.000Z';

/** Event lines as a run writes them: 8 per unit (planned, 2 x submitting/submitted/completed, completed). */
function eventLines(units: number): string[] {
  const lines: string[] = [];
  let seq = 0;
  const line = (event: object) => lines.push(JSON.stringify({ seq: ++seq, at, ...event }));
  for (let k = 0; k < units; k++) {
    const unitId = `m:s1:t${String(k).padStart(6, '0')}:sfw:enhanced`;
    line({ type: 'planned', unitId, ops: ['swap', 'enhance'] });
    for (const op of ['swap', 'enhance']) {
      line({ type: 'submitting', unitId, op, attempt: 1 });
      line({ type: 'submitted', unitId, op, jobId: `job-${op}-${k}`, provider: 'maxstudio' });
      line({ type: 'completed', unitId, op, outputKeys: [`out/${op}-${k}.jpg`] });
    }
    line({ type: 'completed', unitId, outputKeys: [`out/${k}.jpg`] });
  }
  return lines;
}

/** A journal opened (with the defaults) and given a run's events for `units` units, through its API, in batches. */
async function journalWrittenByARun(units: number) {
  const journal = await openJournal(path, { fsync: false });
  const events = eventLines(units).map((text) => {
    const { seq: _seq, at: _at, ...event } = JSON.parse(text);
    return event;
  });
  for (let start = 0; start < events.length; start += 1000) await journal.appendMany(events.slice(start, start + 1000));
  return journal;
}

async function linesOnDisk(): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((text) => text !== '');
}

describe('journal auto-compaction', () => {
  it('compacts a long journal when opened for writing, keeping every unit state and the seq counter', async () => {
    const units = Math.ceil(autoCompactMinLines / 8);
    const events = eventLines(units);
    // One unit left mid-submission by a stopped process: it loads as uncertain, and stays so after compaction.
    events.push(JSON.stringify({ seq: events.length + 1, at, type: 'planned', unitId: 'm:s2:t000001:sfw:enhanced' }));
    events.push(
      JSON.stringify({
        seq: events.length + 1,
        at,
        type: 'submitting',
        unitId: 'm:s2:t000001:sfw:enhanced',
        op: 'swap',
        attempt: 1,
      }),
    );
    await writeFile(path, `${events.join('\n')}\n`);
    const asAppended = await openJournal(path, { fsync: false, autoCompact: false });
    const before = structuredClone(asAppended.units());
    await asAppended.close();
    expect((await linesOnDisk()).length).toBe(events.length);

    const journal = await openJournal(path, { fsync: false });
    const next = await journal.append({ type: 'planned', unitId: 'm:s3:t000001:sfw:enhanced', ops: ['swap'] });
    expect(next.seq).toBe(events.length + 1);
    await journal.close();

    const compacted = await linesOnDisk();
    // A snapshot per unit, then the event appended while the compaction was written (which the snapshot of its unit,
    // read while being written, may already hold: loading it again over the snapshot gives the same state).
    expect(compacted.length).toBeGreaterThanOrEqual(units + 2);
    expect(compacted.length).toBeLessThanOrEqual(units + 3);
    expect(JSON.parse(compacted.at(-1)!)).toMatchObject({ type: 'planned', unitId: 'm:s3:t000001:sfw:enhanced' });
    expect(compacted.slice(0, units + 1).every((text) => JSON.parse(text).type === 'snapshot')).toBe(true);
    const reread = await openJournal(path, { fsync: false });
    expect(reread.units().slice(0, -1)).toEqual(before);
    expect(reread.state('m:s1:t000007:sfw:enhanced')).toMatchObject({
      status: 'done',
      updatedAt: at,
      outputKeys: ['out/7.jpg'],
      ops: { swap: { op: 'swap', status: 'completed', jobId: 'job-swap-7', updatedAt: at } },
    });
    expect(reread.uncertain()).toEqual([
      { unitId: 'm:s2:t000001:sfw:enhanced', op: 'swap', attempt: 1, reason: INTERRUPTED_SUBMISSION_REASON, at },
    ]);
    await expect(
      reread.append({ type: 'submitting', unitId: 'm:s2:t000001:sfw:enhanced', op: 'swap' }),
    ).rejects.toThrow(/uncertain/);
    await reread.close();
  });

  it('compacts a journal that grew long through appends when it is closed, so the next open reads snapshots', async () => {
    const units = Math.ceil(autoCompactMinLines / 8);
    const journal = await journalWrittenByARun(units);
    const before = structuredClone(journal.units());
    await journal.close();
    const compacted = await linesOnDisk();
    expect(compacted.length).toBe(units);
    expect(compacted.every((text) => JSON.parse(text).type === 'snapshot')).toBe(true);
    const reread = await openJournal(path, { fsync: false });
    expect(reread.units()).toEqual(before);
    expect((await reread.append({ type: 'planned', unitId: 'm:s9:t000001:sfw:enhanced' })).seq).toBe(8 * units + 1);
    await reread.close();
  });

  it('closes without an error when the compaction at close cannot be written, and leaves no temp file', async () => {
    const units = Math.ceil(autoCompactMinLines / 8);
    const journal = await journalWrittenByARun(units);
    // The rename over the journal fails: its path is now a folder that is not empty.
    await rm(path);
    await mkdir(join(path, 'blocked'), { recursive: true });
    await expect(journal.close()).resolves.toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual(['progress.jsonl']);
  });

  it('refuses appends once close has begun, so none can follow the compaction at close into the old file', async () => {
    const units = Math.ceil(autoCompactMinLines / 8);
    const journal = await journalWrittenByARun(units);
    await journal.append({ type: 'planned', unitId: 'm:s9:t000001:sfw:enhanced' }, { durability: 'deferred' });
    const closing = journal.close();
    await expect(journal.append({ type: 'planned', unitId: 'm:s9:t000002:sfw:enhanced' })).rejects.toThrow(/closed/);
    await closing;
    const compacted = await linesOnDisk();
    // The run's last appends started a compaction in the background (see the test of compaction while appending):
    // the deferred event is in the snapshot of its unit, and may follow it too.
    expect(compacted.length).toBeGreaterThanOrEqual(units + 1);
    expect(compacted.length).toBeLessThanOrEqual(units + 2);
    const reread = await openJournal(path, { fsync: false });
    expect(reread.has('m:s9:t000001:sfw:enhanced')).toBe(true);
    expect(reread.has('m:s9:t000002:sfw:enhanced')).toBe(false);
    await reread.close();
  });

  it('leaves a short journal, and any journal opened with autoCompact: false, as it is', async () => {
    const events = eventLines(100);
    await writeFile(path, `${events.join('\n')}\n`);
    await (await openJournal(path, { fsync: false })).close();
    expect(await linesOnDisk()).toEqual(events);
    const long = eventLines(Math.ceil(autoCompactMinLines / 8));
    await writeFile(path, `${long.join('\n')}\n`);
    const journal = await openJournal(path, { fsync: false, autoCompact: false });
    await journal.append({ type: 'planned', unitId: 'm:s9:t000001:sfw:enhanced' });
    await journal.close();
    expect((await linesOnDisk()).length).toBe(long.length + 1);
  });

  it('still loads the full snapshots written before lean ones', async () => {
    const state = {
      unitId: 'm:s1:t001:sfw:enhanced',
      status: 'done',
      ops: {
        swap: { op: 'swap', status: 'completed', attempt: 1, jobId: 'j1', provider: 'maxstudio', updatedAt: at },
      },
      outputKeys: ['out/1.jpg'],
      updatedAt: at,
    };
    await writeFile(path, `${JSON.stringify({ seq: 9, at, type: 'snapshot', unitId: state.unitId, state })}\n`);
    const journal = await openJournal(path, { fsync: false });
    expect(journal.state(state.unitId)).toEqual({ ...state, seq: 9 });
    await journal.close();
  });
});

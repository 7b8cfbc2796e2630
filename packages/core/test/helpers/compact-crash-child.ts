/**
 * Child process of test/journal-compact-crash.test.ts, run with `node --import tsx`: a run of COMPACT_UNITS units
 * (swap then enhance, 32 at a time) that journals with the defaults, so its journal compacts itself in the background
 * while it appends. Resumes from the journal at every start: done units are skipped, ops left uncertain by a kill are
 * approved again (as a person would), ops in flight are completed by their job id.
 *
 * Environment: COMPACT_PATH (the journal), COMPACT_UNITS. With COMPACT_KILL_ON_TEMP=1 it prints `temp <name>` when a
 * compaction's temp file appears beside the journal (fs.watch), so the parent can kill it while the compaction is
 * written. Stdout lines: `ready`, `done <k>` once a unit's last event is on disk, `temp <name>`, `finished`.
 */
import { watch, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { openJournal } from '../../src/journal/index.js';

const path = process.env.COMPACT_PATH ?? '';
const units = Number(process.env.COMPACT_UNITS ?? 20_000);
const say = (line: string) => writeSync(1, `${line}\n`);
const unitIdOf = (k: number) => `m:s1:t${String(k).padStart(6, '0')}:sfw:enhanced`;

const watcher =
  process.env.COMPACT_KILL_ON_TEMP === '1' &&
  watch(dirname(path), (_, name) => {
    if (name?.startsWith(`${basename(path)}.`) && name.endsWith('.tmp')) say(`temp ${name}`);
  });

const journal = await openJournal(path, { fsync: false });
const unplanned: { type: 'planned'; unitId: string; ops: string[] }[] = [];
for (let k = 0; k < units; k++) {
  if (!journal.has(unitIdOf(k))) unplanned.push({ type: 'planned', unitId: unitIdOf(k), ops: ['swap', 'enhance'] });
}
for (let start = 0; start < unplanned.length; start += 1000)
  await journal.appendMany(unplanned.slice(start, start + 1000));
say('ready');

async function runUnit(k: number): Promise<void> {
  const unitId = unitIdOf(k);
  if (journal.isDone(unitId)) return;
  for (const op of ['swap', 'enhance']) {
    const state = journal.state(unitId)!.ops[op]!;
    if (state.status === 'completed') continue;
    if (state.status === 'uncertain') await journal.append({ type: 'resubmit-approved', unitId, op });
    if (state.status !== 'submitted') {
      const { attempt } = await journal.append({ type: 'submitting', unitId, op }).then((event) => ({
        attempt: (event as { attempt: number }).attempt,
      }));
      const jobId = `job-${op}-${k}-${attempt}`;
      await journal.append({ type: 'submitted', unitId, op, jobId, provider: 'sandbox' });
    }
    const jobId = journal.state(unitId)!.ops[op]!.jobId!;
    await journal.append({ type: 'completed', unitId, op, outputKeys: [`out/${jobId}.jpg`] });
  }
  await journal.append({ type: 'completed', unitId, outputKeys: [`out/${k}.jpg`] });
  say(`done ${k}`);
}

let next = 0;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (next < units) await runUnit(next++);
  }),
);
await journal.close();
if (watcher) watcher.close();
say('finished');

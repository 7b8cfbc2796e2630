/**
 * `studio.importPrototype` on prototype trees built in the exact shapes of the reference (test/helpers/prototype-tree.ts):
 * the mapping, every reported fault, journal and ledger records a run trusts, consent, idempotence and resuming.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConsentError,
  type ConsentRecord,
  NotFoundError,
  type PrototypeImportResult,
  prototypeFolder,
  ValidationError,
} from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournal } from '../../src/journal/index.js';
import { readJournalSnapshot } from '../../src/journal/read-journal-snapshot.js';
import { importPrototype } from '../../src/orchestrator/verbs/import-prototype.js';
import { modelCosts } from '../../src/orchestrator/verbs/model-costs.js';
import { modelStatus } from '../../src/orchestrator/verbs/model-status.js';
import { planRun } from '../../src/orchestrator/verbs/plan-run.js';
import { runPlan } from '../../src/orchestrator/verbs/run-plan.js';
import { sar, writePrototypeModels, writeTree } from '../helpers/prototype-tree.js';
import { type VerbRig, verbRig } from '../verbs/verb-rig.js';

let rig: VerbRig;
let proto: string;

beforeEach(async () => {
  rig = await verbRig();
  proto = join(rig.root, 'prototype', 'models');
  await writePrototypeModels(proto);
});

afterEach(async () => {
  await rig.dispose();
});

const consent: ConsentRecord = {
  subject: 'sar (test subject)',
  adultAttested: true,
  attestedBy: 'prototype import tests',
  allowedRatings: ['sfw', 'nsfw'],
  allowedUses: ['swap'],
  obtainedAt: '2025-10-28T12:00:00.000Z',
  evidenceRef: 'consent/sar.pdf',
};

const rights = { rightsStatement: 'licensed stock, licence 42', adultsConsented: true };

function mapping(result: PrototypeImportResult): Record<string, string> {
  return Object.fromEntries(result.plan.copies.map((copy) => [copy.from, copy.to]));
}

function codes(result: PrototypeImportResult): string[] {
  return [...new Set(result.plan.issues.map((issue) => issue.code))].sort();
}

describe('mapping (dry run)', () => {
  it('renames sources, deduplicates targets by content, renames results by the three-digit rule, writes nothing', async () => {
    const [result] = await importPrototype(rig.context(), prototypeFolder(proto), { model: 'sar', dryRun: true });
    expect(result!.dryRun).toBe(true);
    expect(mapping(result!)).toEqual({
      'sar/source/sar-s1-original.jpg': 'models/sar/source/sar-source-1.jpg',
      'sar/source/sar-s2-original.jpg': 'models/sar/source/sar-source-2.jpg',
      'sar/targets/nsfw/sar-s1-t1-nsfw-original.jpg': 'models/sar/targets/nsfw/sar-t001.jpg',
      'sar/targets/nsfw/sar-s1-t2-nsfw-original.jpg': 'models/sar/targets/nsfw/sar-t002.jpg',
      'sar/targets/nsfw/sar-s1-t3-nsfw-original.jpg': 'models/sar/targets/nsfw/sar-t003.jpg',
      'sar/targets/nsfw/sar-t5-nsfw-original.jpg': 'models/sar/targets/nsfw/sar-t004.jpg',
      'sar/targets/sfw/sar-t1-sfw-original.jpg': 'models/sar/targets/sfw/sar-t001.jpg',
      'sar/results/nsfw/source_1/swapped/sar-s1-t1-nsfw-swapped.jpg':
        'models/sar/results/nsfw/source_1/swapped/sar-s1-t001-nsfw-swapped.jpg',
      'sar/results/nsfw/source_1/enhanced/sar-s1-t1-nsfw-enhanced.jpg':
        'models/sar/results/nsfw/source_1/enhanced/sar-s1-t001-nsfw-enhanced.jpg',
      'sar/results/nsfw/source_1/swapped/sar-s1-t3-nsfw-swapped.jpg':
        'models/sar/results/nsfw/source_1/swapped/sar-s1-t003-nsfw-swapped.jpg',
      'sar/results/nsfw/source_1/enhanced/sar-s1-t3-nsfw-enhanced.jpg':
        'models/sar/results/nsfw/source_1/enhanced/sar-s1-t003-nsfw-enhanced.jpg',
      // Listing id 7 is the later target `sar-t5-...` (content D): target 4 here.
      'sar/results/nsfw/source_1/swapped/sar-s1-t7-nsfw-swapped.jpg':
        'models/sar/results/nsfw/source_1/swapped/sar-s1-t004-nsfw-swapped.jpg',
      // Listing id 4 is source 2's copy of target A: target 1 here.
      'sar/results/nsfw/source_2/swapped/sar-s2-t4-nsfw-swapped.jpg':
        'models/sar/results/nsfw/source_2/swapped/sar-s2-t001-nsfw-swapped.jpg',
      'sar/results/nsfw/source_2/enhanced/sar-s2-t4-nsfw-enhanced.jpg':
        'models/sar/results/nsfw/source_2/enhanced/sar-s2-t001-nsfw-enhanced.jpg',
      'sar/results/nsfw/source_1/enhanced/sar-s1-t1-nsfw-enhanced.txt':
        'models/sar/results/nsfw/source_1/enhanced/sar-s1-t001-nsfw-enhanced.txt',
    });
    const targetA = result!.plan.copies.find((copy) => copy.to.endsWith('nsfw/sar-t001.jpg'));
    expect(targetA?.duplicates).toEqual(['sar/targets/nsfw/sar-s2-t1-nsfw-original.jpg']);
    expect(await rig.storage.head('models.json')).toBeUndefined();
  });

  it('reports every ambiguity instead of guessing', async () => {
    const [result] = await importPrototype(rig.context(), prototypeFolder(proto), { model: 'sar', dryRun: true });
    expect(codes(result!)).toEqual([
      'duplicate-result',
      'expired-url',
      'missing-file',
      'png-as-jpg',
      'unmatched-target',
      'zoneless-timestamps',
    ]);
    const issue = (code: string) => result!.plan.issues.filter((item) => item.code === code);
    expect(issue('unmatched-target').map((item) => item.path)).toEqual([
      'sar/results/nsfw/source_1/swapped/sar-s1-t9-nsfw-swapped.jpg',
      'sar/progress.json',
    ]);
    expect(issue('unmatched-target')[1]!.message).toContain('far999');
    expect(issue('missing-file')[0]!.message).toMatch(/nsfw_s2_t2.*gone22.*not in the tree/);
    expect(issue('png-as-jpg')[0]!.path).toBe('sar/targets/sfw/sar-t1-sfw-original.jpg');
    expect(issue('duplicate-result')[0]!.path).toBe('sar/results/nsfw/source_2/swapped/sar-s2-t1-nsfw-swapped.jpg');
    expect(issue('expired-url')[0]!.message).toMatch(/^9 presigned/);
    expect(
      issue('zoneless-timestamps')
        .map((item) => item.path)
        .sort(),
    ).toEqual(['sar/config.json', 'sar/progress.json']);
    expect(result!.plan.stages.map((stage) => [stage.stageId, stage.jobId, stage.outputKey !== undefined])).toEqual([
      ['sar:s1:t001:nsfw:swapped', 'nn97w9', true],
      ['sar:s1:t001:nsfw:enhanced', '74raaGyqsA4KtG-2hH6tK', true],
      ['sar:s1:t003:nsfw:swapped', 'k2p7q', true],
      ['sar:s1:t003:nsfw:enhanced', 'Zq81Lm0aPf4KtG-2hH6tB', true],
      ['sar:s1:t004:nsfw:swapped', 'x81mq', true],
      ['sar:s2:t001:nsfw:swapped', 'p0o9i8', true],
      ['sar:s2:t001:nsfw:enhanced', 'Lm0aPf4KtG-2hH6tK81Zq', true],
      ['sar:s2:t002:nsfw:swapped', 'gone22', false],
    ]);
    expect(result!.plan.stages[0]!.at).toBe('2025-10-29T08:05:01.200Z');
  });

  it('reads the legacy layout of the first model by target file name, and a torn progress.json', async () => {
    const results = await importPrototype(rig.context(), prototypeFolder(proto), { dryRun: true });
    expect(results.map((result) => result.plan.model)).toEqual(['andie', 'jade', 'sar']);
    const andie = results[0]!;
    expect(mapping(andie)).toMatchObject({
      'andie/source/andie_source.jpg': 'models/andie/source/andie-source-1.jpg',
      'andie/results/nsfw/source_1/swapped/andie_nsfw_003.jpg':
        'models/andie/results/nsfw/source_1/swapped/andie-s1-t003-nsfw-swapped.jpg',
      'andie/results/nsfw/source_1/enhanced/andie_nsfw_001_enhanced.jpg':
        'models/andie/results/nsfw/source_1/enhanced/andie-s1-t001-nsfw-enhanced.jpg',
    });
    expect(codes(andie)).toEqual(['legacy-layout', 'no-progress']);
    expect(andie.plan.stages.every((stage) => stage.jobId === undefined && stage.outputKey)).toBe(true);
    const jade = results[1]!;
    expect(codes(jade)).toEqual(['corrupt-progress', 'no-progress']);
    expect(jade.plan.stages.map((stage) => stage.stageId)).toEqual(['jade:s1:t001:sfw:swapped']);
  });
});

describe('import', () => {
  it('journals completed stages as done (imported, with job ids) and ledgers one estimated entry per paid job', async () => {
    const context = rig.context();
    const [result] = await importPrototype(context, prototypeFolder(proto), { model: 'sar' });
    expect(result).toMatchObject({
      created: true,
      // The PNG stored as .jpg is not a picture the image processor can read: left out, reported.
      files: { written: 14, unchanged: 0, conflicts: 0 },
      stagesJournaled: 7,
      chargesRecorded: 8,
      consent: 'missing',
      targetsWithoutProvenance: 4,
    });
    expect(result!.plan.issues.filter((issue) => issue.code === 'png-as-jpg').at(-1)?.message).toMatch(
      /could not be converted to JPEG .*: left out/,
    );
    expect(await rig.storage.head('models/sar/targets/sfw/sar-t001.jpg')).toBeUndefined();
    const caption = await rig.storage.get('models/sar/results/nsfw/source_1/enhanced/sar-s1-t001-nsfw-enhanced.txt');
    expect(await new Response(caption).text()).toBe(sar.caption);
    const [entry] = await context.records.captionEntries('sar');
    expect(entry).toMatchObject({
      name: 'sar-s1-t001-nsfw-enhanced.jpg',
      imageKey: 'models/sar/results/nsfw/source_1/enhanced/sar-s1-t001-nsfw-enhanced.jpg',
      text: sar.caption,
      state: 'generated',
      source: { kind: 'imported', from: expect.stringMatching(/^prototype: .*sar-s1-t1-nsfw-enhanced\.txt$/) },
    });
    await context.records.close();
    const journal = await readJournalSnapshot(join(rig.workspace.localModelDir('sar'), 'progress.jsonl'));
    const swap = journal.get('sar:s1:t001:nsfw:swapped')!;
    expect(swap.status).toBe('done');
    expect(swap.ops.swap).toMatchObject({
      status: 'completed',
      jobId: 'nn97w9',
      provider: 'maxstudio',
      attempt: 1,
      imported: { from: 'prototype', at: '2025-10-29T08:05:01.200Z' },
    });
    expect(journal.get('sar:s2:t002:nsfw:swapped')).toBeUndefined();
    const lines = (await readFile(join(rig.workspace.localModelDir('sar'), 'progress.jsonl'), 'utf8')).split('\n');
    const completed = lines
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((event) => event.type === 'completed');
    expect(completed[0].imported).toEqual({ from: 'prototype', at: '2025-10-29T08:05:01.200Z' });
    // The mark survives compaction (snapshots keep the op state).
    const opened = await openJournal(join(rig.workspace.localModelDir('sar'), 'progress.jsonl'));
    await opened.compact();
    await opened.close();
    const compacted = await readJournalSnapshot(join(rig.workspace.localModelDir('sar'), 'progress.jsonl'));
    expect(compacted.get('sar:s1:t001:nsfw:swapped')?.ops.swap?.imported).toEqual({
      from: 'prototype',
      at: '2025-10-29T08:05:01.200Z',
    });
    const status = await modelStatus(rig.context(), 'sar');
    expect(status.stages.done).toBe(7);
    const costs = await modelCosts(rig.context(), 'sar');
    expect(costs.summary.totals).toEqual([
      expect.objectContaining({ unitOfAccount: 'credits', actual: 5 * 10 + 3 * 2 }),
    ]);
    const ledger = (await readFile(join(rig.workspace.localModelDir('sar'), 'costs.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(ledger).toHaveLength(8);
    expect(
      ledger.every((entry) => entry.kind === 'actual' && entry.imported === true && entry.source === 'price-table'),
    ).toBe(true);
    expect(ledger.find((entry) => entry.jobId === 'gone22')).toMatchObject({
      itemId: 'sar:s2:t002:nsfw:swapped',
      amount: 10,
    });
  });

  it('imports twice without changing anything', async () => {
    const dir = rig.workspace.localModelDir('sar');
    const snapshot = async () =>
      Promise.all(['progress.jsonl', 'costs.jsonl'].map((file) => readFile(join(dir, file), 'utf8')));
    const first = rig.context();
    await importPrototype(first, prototypeFolder(proto), { model: 'sar', consent, targetRights: rights });
    await first.records.close();
    const manifest = () => readFile(join(rig.root, 'models', 'sar', 'captions.json'), 'utf8');
    const captionsBefore = await manifest();
    const before = [...(await snapshot()), await readFile(join(rig.root, 'models', 'sar', 'config.json'), 'utf8')];
    const second = rig.context();
    const [again] = await importPrototype(second, prototypeFolder(proto), {
      model: 'sar',
      consent,
      targetRights: rights,
    });
    await second.records.close();
    expect(again).toMatchObject({
      created: false,
      files: { written: 0, unchanged: 14, conflicts: 0 },
      stagesJournaled: 0,
      chargesRecorded: 0,
      consent: 'recorded',
      targetsWithoutProvenance: 0,
    });
    const after = [...(await snapshot()), await readFile(join(rig.root, 'models', 'sar', 'config.json'), 'utf8')];
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(await manifest()).toBe(captionsBefore);
    // The consent record is set again (the same record), the provenance is not touched.
    expect(JSON.parse(after[2]!).targets).toEqual(JSON.parse(before[2]!).targets);
  });

  it('continues an import stopped half-way to the same end state', async () => {
    const controller = new AbortController();
    const stopped = rig.context();
    await expect(
      importPrototype(stopped, prototypeFolder(proto), {
        model: 'sar',
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.done === 6) controller.abort(new Error('killed half-way'));
        },
      }),
    ).rejects.toThrow('killed half-way');
    await stopped.records.close();
    expect((await rig.workspace.sourceNumbers('sar')).length).toBe(2);
    const resumed = rig.context();
    const [result] = await importPrototype(resumed, prototypeFolder(proto), { model: 'sar' });
    expect(result).toMatchObject({
      created: false,
      files: { written: 8, unchanged: 6 },
      stagesJournaled: 7,
      chargesRecorded: 8,
    });
  });

  it('leaves the model unprocessable until consent is set, then a run pays only for what the prototype did not do', async () => {
    const context = rig.context();
    await importPrototype(context, prototypeFolder(proto), { model: 'sar', targetRights: rights });
    await expect(planRun(context, 'sar', { ratings: ['nsfw'] })).rejects.toBeInstanceOf(ConsentError);
    await rig.workspace.setConsent('sar', consent);
    const plan = await planRun(context, 'sar', { ratings: ['nsfw'] });
    expect(plan.units).toHaveLength(8);
    const summary = await runPlan(context, plan);
    expect(summary.failed).toEqual([]);
    // 8 units x 2 stages = 16; the prototype did 7 (its missing s2_t2 swap is done again): 4 swaps, 5 enhances.
    const swaps = rig.account.jobs.filter((job) => job.operation === 'swap');
    expect(swaps.map((job) => job.keys[0]!.slice('models/sar/targets/nsfw/'.length)).sort()).toEqual([
      'sar-t002.jpg',
      'sar-t002.jpg',
      'sar-t003.jpg',
      'sar-t004.jpg',
    ]);
    expect(rig.account.jobs.filter((job) => job.operation === 'enhance')).toHaveLength(5);
    const status = await modelStatus(context, 'sar');
    expect(status.stages.done).toBe(16);
  });
});

describe('failures', () => {
  it('refuses a folder that does not exist, a model that is not there, and a name that is not a model name', async () => {
    await expect(importPrototype(rig.context(), prototypeFolder(join(proto, 'nope')))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(importPrototype(rig.context(), prototypeFolder(proto), { model: 'milan' })).rejects.toThrow(
      /no prototype model "milan" \(models: andie, jade, sar\)/,
    );
    const odd = join(rig.root, 'Odd Name');
    await writeTree(odd, { 'source/x-s1-original.jpg': 'x' });
    await expect(importPrototype(rig.context(), prototypeFolder(odd))).rejects.toBeInstanceOf(ValidationError);
    const [renamed] = await importPrototype(rig.context(), prototypeFolder(odd), { model: 'odd', dryRun: true });
    expect(renamed!.plan.model).toBe('odd');
    const many = join(rig.root, 'many');
    await writeTree(many, { 'Milan/source/milan-s1-original.jpg': 'x' });
    await expect(importPrototype(rig.context(), prototypeFolder(many))).rejects.toThrow(
      /"Milan", which is not a valid model name .*: import its folder \(.*many\/Milan\/\) on its own/,
    );
    const [milan] = await importPrototype(rig.context(), prototypeFolder(join(many, 'Milan')), {
      model: 'milan',
      dryRun: true,
    });
    expect(milan!.plan.copies.map((copy) => copy.to)).toEqual(['models/milan/source/milan-source-1.jpg']);
  });

  it('refuses a rights statement for nsfw targets without adultsConsented, before writing anything', async () => {
    await expect(
      importPrototype(rig.context(), prototypeFolder(proto), {
        model: 'sar',
        targetRights: { rightsStatement: 'mine' },
      }),
    ).rejects.toBeInstanceOf(ConsentError);
    expect(await rig.storage.head('models/sar/source/sar-source-1.jpg')).toBeUndefined();
  });

  it('reports a conflict instead of overwriting a different file already in the workspace', async () => {
    await rig.workspace.createModel('sar');
    await rig.storage.put('models/sar/source/sar-source-1.jpg', new TextEncoder().encode('another photo'));
    const [result] = await importPrototype(rig.context(), prototypeFolder(proto), { model: 'sar' });
    expect(result!.files.conflicts).toBe(1);
    expect(result!.plan.issues.find((issue) => issue.code === 'conflict')?.path).toBe('sar/source/sar-s1-original.jpg');
    const kept = await rig.storage.get('models/sar/source/sar-source-1.jpg');
    expect(await new Response(kept).text()).toBe('another photo');
  });
});

import { createHash } from 'node:crypto';
import { isRating, type ResultStage, storageKeys } from '../naming/index.js';
import type { PrototypeFiles } from './prototype-files.js';
import type { PrototypeIssue } from './prototype-issue.js';
import { type PrototypeTask, readPrototypeConfig, readPrototypeProgress } from './prototype-records.js';
import { type PrototypeResultFile, type PrototypeTree, prototypeBaseName } from './prototype-tree.js';
import { type TaskContext, taskStages } from './task-stages.js';

/** One file the import writes: where it comes from in the prototype tree and its storage key in the workspace. */
export interface PrototypeCopy {
  kind: 'source' | 'target' | 'result' | 'caption';
  /** The prototype path (relative to the tree). */
  from: string;
  /** The workspace storage key. */
  to: string;
  /** sha256 of the prototype file (hex). */
  sha256: string;
  /** A PNG stored under a `.jpg` name (converted when the studio has an image processor). */
  png: boolean;
  /** Other prototype files with the same content (the prototype copied each target once per source). */
  duplicates?: string[];
}

/** A stage the prototype completed, as the import journals it (done, marked imported) and ledgers it. */
export interface PrototypeStage {
  /** `<model>:s<n>:t<ttt>:<rating>:<stage>`. */
  stageId: string;
  op: 'swap' | 'enhance';
  rating: string;
  /** The prototype's MaxStudio job id (from `progress.json`). */
  jobId?: string;
  /** The imported result; absent when the file is missing (then only the charge is recorded). */
  outputKey?: string;
  /** When the prototype completed it, ISO 8601 UTC. */
  at?: string;
  /** The `progress.json` task it comes from, e.g. `nsfw_s1_t3`. */
  task?: string;
}

/** What importing one prototype model does, computed without writing anything (`dryRun` returns it). */
export interface PrototypeImportPlan {
  /** The workspace model it goes to. */
  model: string;
  /** The prototype's model folder or bucket, for messages. */
  from: string;
  copies: PrototypeCopy[];
  stages: PrototypeStage[];
  issues: PrototypeIssue[];
}

/** The result file of each prototype (rating, source, target id, stage), and where it goes. */
export type ResultIndex = Map<string, { path: string; key: string }>;

/** The key of a prototype result in a {@link ResultIndex}. */
export function protoKey(rating: string, source: number, target: number, stage: ResultStage): string {
  return `${rating}|${source}|${target}|${stage}`;
}

function isPng(bytes: Uint8Array): boolean {
  return bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

async function fingerprint(files: PrototypeFiles, path: string, signal?: AbortSignal) {
  const bytes = await files.read(path, signal);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), png: isPng(bytes) };
}

/** Reads a prototype model's tree and computes its import plan (reads every file once; writes nothing). */
export async function planPrototypeModel(
  files: PrototypeFiles,
  tree: PrototypeTree,
  options: { model: string; now: Date; signal?: AbortSignal },
): Promise<PrototypeImportPlan> {
  const { model, signal } = options;
  const plan: PrototypeImportPlan = {
    model,
    from: `${files.description}/${tree.dir}`.replace(/\/+$/, ''),
    copies: [],
    stages: [],
    issues: [],
  };
  const add = async (kind: PrototypeCopy['kind'], from: string, to: string) => {
    const copy: PrototypeCopy = { kind, from, to, ...(await fingerprint(files, from, signal)) };
    if (copy.png) {
      plan.issues.push({
        code: 'png-as-jpg',
        path: from,
        message:
          'A PNG stored under a .jpg name: converted to JPEG when an image processor is configured, else stored as it is.',
      });
    }
    plan.copies.push(copy);
    return copy;
  };
  for (const [index, path] of tree.sources.entries()) await add('source', path, storageKeys.source(model, index + 1));
  const tasks = await readTasks(files, tree, plan, signal);
  const targetNumbers = await planTargets(tree, plan, add);
  const results = await planResults(tree, plan, targetNumbers, add, completedKeys(tasks));
  await planCaptions(tree, plan, results, add);
  const context: TaskContext = { model, tree, plan, targetNumbers, results, now: options.now };
  plan.stages.push(...taskStages(context, tasks));
  if (tree.other.length > 0) {
    for (const path of tree.other) {
      plan.issues.push({
        code: 'unrecognised-file',
        path,
        message: 'Not a file of the prototype layout the importer knows: left out.',
      });
    }
  }
  return plan;
}

async function readTasks(files: PrototypeFiles, tree: PrototypeTree, plan: PrototypeImportPlan, signal?: AbortSignal) {
  if (tree.config) readPrototypeConfig(tree.config, await files.read(tree.config, signal), plan.issues);
  if (!tree.progress) return undefined;
  return readPrototypeProgress(tree.progress, await files.read(tree.progress, signal), plan.issues);
}

type AddCopy = (kind: PrototypeCopy['kind'], from: string, to: string) => Promise<PrototypeCopy>;

/**
 * Targets, deduplicated by content per rating: the prototype copied each target once per source
 * (`{m}-s{n}-t{i}-{type}-original.jpg`) and added later ones as `{m}-t{n}-{type}-original.jpg`. Each distinct content
 * gets the next number in listing order. Returns, per rating, the prototype's target id (listing position) → number.
 */
async function planTargets(tree: PrototypeTree, plan: PrototypeImportPlan, add: AddCopy) {
  const numbers = new Map<string, Map<number, number>>();
  for (const [rating, paths] of tree.targets) {
    if (!isRating(rating)) {
      for (const path of paths) {
        plan.issues.push({ code: 'unrecognised-file', path, message: `"${rating}" is not a valid rating: left out.` });
      }
      continue;
    }
    const byHash = new Map<string, { number: number; copy: PrototypeCopy }>();
    const ids = new Map<number, number>();
    for (const [index, path] of paths.entries()) {
      const next = byHash.size + 1;
      const copy = await add('target', path, storageKeys.target(plan.model, rating, next));
      const seen = byHash.get(copy.sha256);
      if (seen) {
        plan.copies.pop();
        seen.copy.duplicates = [...(seen.copy.duplicates ?? []), path];
        ids.set(index + 1, seen.number);
      } else {
        byHash.set(copy.sha256, { number: next, copy });
        ids.set(index + 1, next);
      }
    }
    numbers.set(rating, ids);
  }
  return numbers;
}

/** The prototype target id of a result: its `-t<n>-`, or (legacy) the position of the target named `<n>.jpg`. */
function targetId(tree: PrototypeTree, result: PrototypeResultFile): number | undefined {
  if (result.target === undefined || !result.legacy) return result.target;
  const paths = tree.targets.get(result.rating) ?? [];
  const index = paths.findIndex((path) => Number(prototypeBaseName(path).replace(/\.[^.]+$/, '')) === result.target);
  return index < 0 ? undefined : index + 1;
}

/** The results `progress.json` records as completed (they win over a duplicate that no task names). */
function completedKeys(tasks: PrototypeTask[] | undefined): Set<string> {
  const keys = new Set<string>();
  for (const task of tasks ?? []) {
    if (task.swap) keys.add(protoKey(task.rating, task.source, task.target, 'swapped'));
    if (task.enhance) keys.add(protoKey(task.rating, task.source, task.target, 'enhanced'));
  }
  return keys;
}

async function planResults(
  tree: PrototypeTree,
  plan: PrototypeImportPlan,
  targetNumbers: Map<string, Map<number, number>>,
  add: AddCopy,
  completed: Set<string>,
): Promise<ResultIndex> {
  const index: ResultIndex = new Map();
  const written = new Map<string, string>();
  if (tree.results.some((result) => result.legacy)) {
    plan.issues.push({
      code: 'legacy-layout',
      message:
        'Results in the first prototype layout (<model>_<rating>_<nnn>.jpg): matched to targets by file name (<nnn>.jpg).',
    });
  }
  const recorded = (result: PrototypeResultFile) =>
    completed.has(protoKey(result.rating, result.source, targetId(tree, result) ?? 0, result.stage)) ? 0 : 1;
  for (const result of [...tree.results].sort((a, b) => recorded(a) - recorded(b))) {
    const id = targetId(tree, result);
    const target = id === undefined ? undefined : targetNumbers.get(result.rating)?.get(id);
    if (target === undefined) {
      plan.issues.push({
        code: 'unmatched-target',
        path: result.path,
        message: `No target of ${result.rating} matches this result (target id ${id ?? '?'} of ${tree.targets.get(result.rating)?.length ?? 0} listed): left out.`,
      });
      continue;
    }
    if (result.source > tree.sources.length) {
      plan.issues.push({
        code: 'unmatched-source',
        path: result.path,
        message: `Source ${result.source} is not in the prototype's source folder (${tree.sources.length} listed): left out.`,
      });
      continue;
    }
    const key = storageKeys.result({
      model: plan.model,
      source: result.source,
      target,
      rating: result.rating,
      stage: result.stage,
    });
    const earlier = written.get(key);
    if (earlier) {
      plan.issues.push({
        code: 'duplicate-result',
        path: result.path,
        message: `Same source and target (after merging duplicate targets) as ${earlier}: that one is kept.`,
      });
    } else {
      written.set(key, result.path);
      await add('result', result.path, key);
    }
    index.set(protoKey(result.rating, result.source, id!, result.stage), { path: result.path, key });
  }
  return index;
}

/** Captions (`<enhanced stem>.txt`) go beside their imported enhanced image. */
async function planCaptions(tree: PrototypeTree, plan: PrototypeImportPlan, results: ResultIndex, add: AddCopy) {
  const enhanced = new Map<string, string>();
  for (const { path, key } of results.values()) {
    if (key.endsWith('-enhanced.jpg')) enhanced.set(stripModelSegment(path, tree).replace(/\.(jpe?g|png)$/i, ''), key);
  }
  for (const path of tree.captions) {
    const image = enhanced.get(stripModelSegment(path, tree).replace(/\.txt$/i, ''));
    if (image) await add('caption', path, image.replace(/\.jpg$/, '.txt'));
    else
      plan.issues.push({
        code: 'caption-without-image',
        path,
        message: 'No imported enhanced image has this caption’s name: left out.',
      });
  }
}

/** A path from the tree's model folder, without the `<model>/` segment of the prototype's buggy caption keys. */
function stripModelSegment(path: string, tree: PrototypeTree): string {
  const inner = path.slice(tree.dir.length);
  return inner.startsWith('results/') ? inner : inner.slice(inner.indexOf('/') + 1);
}

import { type ResultStage, stageId } from '../naming/index.js';
import { keyFromS3Url } from './presigned-url.js';
import type { PrototypeImportPlan, PrototypeStage, ResultIndex } from './prototype-plan.js';
import type { PrototypeTask, PrototypeTaskStage } from './prototype-records.js';
import type { PrototypeTree } from './prototype-tree.js';

/** What turning tasks into stages needs. */
export interface TaskContext {
  model: string;
  tree: PrototypeTree;
  plan: PrototypeImportPlan;
  /** Per rating: the prototype's target id → the imported target number. */
  targetNumbers: Map<string, Map<number, number>>;
  results: ResultIndex;
  now: Date;
}

const ops = [
  ['swap', 'swapped'],
  ['enhance', 'enhanced'],
] as const;

/**
 * The stages to journal: each completed `swap`/`enhance` of a `progress.json` task (with its job id), then each imported
 * result no task covers (without a job id, reported). A completed stage whose file is missing keeps its charge but is
 * not marked done.
 */
export function taskStages(context: TaskContext, tasks: PrototypeTask[] | undefined): PrototypeStage[] {
  const { plan, tree } = context;
  const stages: PrototypeStage[] = [];
  const covered = new Set<string>();
  const expired = { count: 0 };
  for (const task of tasks ?? []) {
    for (const [op, stage] of ops) {
      const done = task[op];
      if (!done) continue;
      const found = findResult(context, task, stage, done, expired);
      if (found) covered.add(found.path);
      const record = stageRecord(context, task, op, stage, done, found?.key);
      if (record) stages.push(record);
    }
    if (task.caption && !captionImported(context, task)) {
      plan.issues.push({
        code: 'missing-file',
        path: tree.progress,
        message: `Task ${task.key}: the caption is recorded as done but its .txt file is not in the tree.`,
      });
    }
  }
  if (expired.count > 0) {
    plan.issues.push({
      code: 'expired-url',
      path: tree.progress,
      message: `${expired.count} presigned s3_url(s) expired long ago: each key was taken from the URL's path.`,
    });
  }
  const uncovered = [...context.results.entries()].filter(([, result]) => !covered.has(result.path));
  if (uncovered.length > 0 && tasks === undefined) {
    plan.issues.push({
      code: 'no-progress',
      message: `No readable progress.json: ${uncovered.length} result(s) imported as done from the files alone, without job ids.`,
    });
  }
  const seen = new Set(stages.map((stage) => stage.outputKey));
  for (const [key, result] of uncovered) {
    if (seen.has(result.key)) continue;
    seen.add(result.key);
    const [rating = '', , , stage = ''] = key.split('|');
    const op = stage === 'swapped' ? 'swap' : 'enhance';
    stages.push({
      stageId: stageIdOfKey(context.model, result.key, rating, stage as ResultStage),
      op,
      rating,
      outputKey: result.key,
    });
    if (tasks !== undefined) {
      plan.issues.push({
        code: 'result-without-task',
        path: result.path,
        message: `No completed ${op} task in progress.json: imported as done without a job id.`,
      });
    }
  }
  return stages;
}

/** The stage record of a task's completed op; `undefined` (reported) when its target cannot be matched. */
function stageRecord(
  context: TaskContext,
  task: PrototypeTask,
  op: 'swap' | 'enhance',
  stage: ResultStage,
  done: PrototypeTaskStage,
  outputKey: string | undefined,
): PrototypeStage | undefined {
  const { plan, tree } = context;
  const jobNote = done.jobId ? ` (prototype job ${done.jobId})` : '';
  const target = context.targetNumbers.get(task.rating)?.get(task.target);
  if (target === undefined || task.source > tree.sources.length) {
    plan.issues.push({
      code: target === undefined ? 'unmatched-target' : 'unmatched-source',
      path: tree.progress,
      message: `Task ${task.key}: its ${task.source > tree.sources.length ? `source ${task.source}` : `target ${task.target}`} is not in the tree, so the completed ${op}${jobNote} cannot be named: left out.`,
    });
    return undefined;
  }
  const record: PrototypeStage = {
    stageId: stageId({ model: context.model, source: task.source, target, rating: task.rating, stage }),
    op,
    rating: task.rating,
    task: task.key,
  };
  if (done.jobId) record.jobId = done.jobId;
  if (done.at) record.at = done.at;
  if (outputKey) record.outputKey = outputKey;
  else {
    plan.issues.push({
      code: 'missing-file',
      path: tree.progress,
      message: `Task ${task.key}: the ${op}${jobNote} is recorded as done but its file is not in the tree: its charge is recorded, the stage is not marked done (a run would do it again).`,
    });
  }
  return record;
}

/** The imported result of a task's op: by ids, else by the key in its `s3_url`, else by its `local_path`. */
function findResult(
  context: TaskContext,
  task: PrototypeTask,
  stage: ResultStage,
  done: PrototypeTaskStage,
  expired: { count: number },
): { path: string; key: string } | undefined {
  const byIds = context.results.get(`${task.rating}|${task.source}|${task.target}|${stage}`);
  const url = keyFromS3Url(done.s3Url);
  if (url?.expiresAt && url.expiresAt < context.now) expired.count += 1;
  if (byIds) return byIds;
  const hints = [url?.key, done.localPath?.replace(/^(?:.*\/)?models\/[^/]+\//, '')].filter(
    (hint) => hint !== undefined,
  );
  for (const hint of hints) {
    const path = `${context.tree.dir}${hint}`;
    for (const result of context.results.values()) if (result.path === path) return result;
  }
  return undefined;
}

function captionImported(context: TaskContext, task: PrototypeTask): boolean {
  const enhanced = context.results.get(`${task.rating}|${task.source}|${task.target}|enhanced`);
  if (!enhanced) return false;
  const caption = enhanced.key.replace(/\.jpg$/, '.txt');
  return context.plan.copies.some((copy) => copy.kind === 'caption' && copy.to === caption);
}

function stageIdOfKey(model: string, key: string, rating: string, stage: ResultStage): string {
  const match = /-s(\d+)-t(\d+)-[^-]+-(?:swapped|enhanced)\.jpg$/.exec(key);
  return stageId({ model, source: Number(match?.[1]), target: Number(match?.[2]), rating, stage });
}

import type { PrototypeIssue } from './prototype-issue.js';
import { parsePrototypeTime } from './prototype-time.js';

/** One completed stage of a prototype task (`swap`, `enhance` or `caption` of `progress.json`). */
export interface PrototypeTaskStage {
  /** The provider's job id (swap and enhance). */
  jobId?: string;
  /** When it completed, ISO 8601 UTC (zoneless times read as UTC). */
  at?: string;
  /** `local_path` (a hint: relative to the prototype's working folder, e.g. `models/sar/results/...`). */
  localPath?: string;
  /** `s3_url`, presigned (usually long expired). */
  s3Url?: string;
}

/** A task of `progress.json` (`nsfw_s1_t3`): one source on one target of one rating, and its completed stages. */
export interface PrototypeTask {
  key: string;
  rating: string;
  /** The prototype's source id (a 1-based position in its sorted source listing). */
  source: number;
  /** The prototype's target id (a 1-based position in its sorted target listing of the rating). */
  target: number;
  swap?: PrototypeTaskStage;
  enhance?: PrototypeTaskStage;
  caption?: PrototypeTaskStage;
}

/** What the prototype's `config.json` says that the import uses. */
export interface PrototypeConfig {
  modelName?: string;
  createdAt?: string;
  bucketName?: string;
}

/** Counts zoneless timestamps while records are read, for one `zoneless-timestamps` issue per file. */
class TimeReader {
  zoneless = 0;
  read(value: unknown): string | undefined {
    const time = parsePrototypeTime(value);
    if (time?.zoneless) this.zoneless += 1;
    return time?.iso;
  }
  report(path: string, issues: PrototypeIssue[]): void {
    if (this.zoneless === 0) return;
    issues.push({
      code: 'zoneless-timestamps',
      path,
      message: `${this.zoneless} timestamp(s) without a time zone (Python isoformat): read as UTC.`,
    });
  }
}

function parseJson(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `config.json`; a corrupt one is reported and read as empty. */
export function readPrototypeConfig(path: string, bytes: Uint8Array, issues: PrototypeIssue[]): PrototypeConfig {
  let raw: unknown;
  try {
    raw = parseJson(bytes);
  } catch (error) {
    issues.push({ code: 'corrupt-config', path, message: `Not readable JSON (${(error as Error).message}): ignored.` });
    return {};
  }
  if (!isObject(raw)) {
    issues.push({ code: 'corrupt-config', path, message: 'Not a JSON object: ignored.' });
    return {};
  }
  const times = new TimeReader();
  const config: PrototypeConfig = {};
  if (typeof raw.model_name === 'string') config.modelName = raw.model_name;
  if (typeof raw.bucket_name === 'string') config.bucketName = raw.bucket_name;
  const createdAt = times.read(raw.created_at);
  if (createdAt) config.createdAt = createdAt;
  times.report(path, issues);
  return config;
}

const taskKey = /^([a-z0-9-]+)_s(\d+)_t(\d+)$/i;

/**
 * Reads `progress.json`'s tasks (its `stages` block is never updated by the prototype and is ignored). A corrupt file
 * is reported and read as having no tasks (results are then imported from the files alone); a corrupt task is
 * reported and skipped.
 */
export function readPrototypeProgress(
  path: string,
  bytes: Uint8Array,
  issues: PrototypeIssue[],
): PrototypeTask[] | undefined {
  let raw: unknown;
  try {
    raw = parseJson(bytes);
  } catch (error) {
    issues.push({
      code: 'corrupt-progress',
      path,
      message: `Not readable JSON (${(error as Error).message}): results are imported from the files alone, without job ids.`,
    });
    return undefined;
  }
  if (!isObject(raw) || !isObject(raw.tasks)) {
    issues.push({
      code: 'corrupt-progress',
      path,
      message: 'No "tasks" object: results are imported from the files alone, without job ids.',
    });
    return undefined;
  }
  const times = new TimeReader();
  times.read(raw.created_at);
  times.read(raw.last_updated);
  const tasks: PrototypeTask[] = [];
  for (const [key, value] of Object.entries(raw.tasks)) {
    const task = readTask(key, value, times);
    if (task) tasks.push(task);
    else
      issues.push({
        code: 'corrupt-progress',
        path,
        message: `Task "${key}" is not { source_id, target_id, content_type }: skipped.`,
      });
  }
  times.report(path, issues);
  return tasks;
}

function readTask(key: string, value: unknown, times: TimeReader): PrototypeTask | undefined {
  const match = taskKey.exec(key);
  if (!isObject(value)) return undefined;
  const source = Number(value.source_id ?? match?.[2]);
  const target = Number(value.target_id ?? match?.[3]);
  const rating = String(value.content_type ?? match?.[1] ?? '').toLowerCase();
  if (!Number.isInteger(source) || source < 1 || !Number.isInteger(target) || target < 1 || rating === '') {
    return undefined;
  }
  const task: PrototypeTask = { key, rating, source, target };
  for (const name of ['swap', 'enhance', 'caption'] as const) {
    const stage = readStage(value[name], times);
    if (stage) task[name] = stage;
  }
  return task;
}

function readStage(value: unknown, times: TimeReader): PrototypeTaskStage | undefined {
  if (!isObject(value) || value.completed !== true) return undefined;
  const result = isObject(value.result) ? value.result : {};
  const stage: PrototypeTaskStage = {};
  if (typeof result.job_id === 'string' && result.job_id !== '') stage.jobId = result.job_id;
  const at = times.read(value.timestamp);
  if (at) stage.at = at;
  if (typeof result.local_path === 'string') stage.localPath = result.local_path;
  if (typeof result.s3_url === 'string') stage.s3Url = result.s3_url;
  return stage;
}

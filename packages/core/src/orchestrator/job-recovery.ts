import { createHash } from 'node:crypto';
import { appendFile, mkdir, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** A job the provider accepted (and charged) whose id the journal could not record. */
export interface UnrecordedJob {
  model: string;
  stageId: string;
  op: string;
  jobId: string;
  provider: string;
  /** When it was saved, ISO 8601. */
  at: string;
}

/** The default folder of recovery files: the OS temp folder, usually another volume than the workspace. */
export function defaultRecoveryDir(): string {
  return join(tmpdir(), 'model-studio-recovery');
}

/** The recovery file of a model folder: one per folder, named by a hash of its absolute path. */
export function recoveryFileOf(modelDir: string, recoveryDir = defaultRecoveryDir()): string {
  const id = createHash('sha256').update(resolve(modelDir)).digest('hex').slice(0, 24);
  return join(recoveryDir, `${id}.jsonl`);
}

/**
 * Saves a job id the journal could not record (full disk, read-only folder) in the model's recovery file, fsynced,
 * so that the next open of the model's records journals it (and `resume` polls it instead of paying again).
 * Returns the file's path. Throws when this file cannot be written either.
 */
export async function saveUnrecordedJob(modelDir: string, job: UnrecordedJob, recoveryDir?: string): Promise<string> {
  const path = recoveryFileOf(modelDir, recoveryDir);
  await appendSyncedLine(path, job);
  return path;
}

/** Appends one JSON line to a recovery file (created private, its folder too) and fsyncs it. */
export async function appendSyncedLine(path: string, record: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The records of a JSON-lines recovery file that pass `valid` (none when it is missing; a torn line is skipped). */
export async function readRecoveryLines<T>(path: string, valid: (record: T) => boolean): Promise<T[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const records: T[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const record = JSON.parse(line) as T;
      if (valid(record)) records.push(record);
    } catch {
      // a line cut by a crash: its record was never reported as saved
    }
  }
  return records;
}

/** The jobs saved for a model folder (a torn last line is skipped). */
export async function readUnrecordedJobs(modelDir: string, recoveryDir?: string): Promise<UnrecordedJob[]> {
  return readRecoveryLines<UnrecordedJob>(
    recoveryFileOf(modelDir, recoveryDir),
    (job) => typeof job.stageId === 'string' && typeof job.jobId === 'string' && typeof job.op === 'string',
  );
}

/** Removes a model folder's recovery file, once its jobs are in the journal. */
export async function clearUnrecordedJobs(modelDir: string, recoveryDir?: string): Promise<void> {
  await rm(recoveryFileOf(modelDir, recoveryDir), { force: true });
}

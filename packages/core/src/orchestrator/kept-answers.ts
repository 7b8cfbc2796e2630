import { rename, rm, writeFile } from 'node:fs/promises';
import { appendSyncedLine, readRecoveryLines, recoveryFileOf } from './job-recovery.js';

/** Where a model's recovery files go (the run's `recovery` settings). */
export interface RecoveryPlace {
  modelDir: string;
  recoveryDir?: string | undefined;
}

/**
 * The answer of a synchronous paid call (a caption) that the storage refused: the call is charged and has no job on
 * the provider's side to poll, so its answer is kept here until a resume stores it.
 */
export interface KeptAnswer {
  stageId: string;
  jobId: string;
  text: string;
  /** When it was kept, ISO 8601. */
  at: string;
}

/** The file of kept answers: beside the model's recovery file of job ids (usually another volume than the storage). */
export function keptAnswersFileOf(place: RecoveryPlace): string {
  return recoveryFileOf(place.modelDir, place.recoveryDir).replace(/\.jsonl$/, '.answers.jsonl');
}

/** Appends an answer (fsync'd) and returns the file's path. Throws when the file cannot be written. */
export async function keepAnswer(place: RecoveryPlace, answer: KeptAnswer): Promise<string> {
  const path = keptAnswersFileOf(place);
  await appendSyncedLine(path, answer);
  return path;
}

/** The kept answers of a model (a line torn by a crash is skipped: its answer was never reported as kept). */
export async function keptAnswers(place: RecoveryPlace): Promise<KeptAnswer[]> {
  return readRecoveryLines<KeptAnswer>(
    keptAnswersFileOf(place),
    (answer) =>
      typeof answer.stageId === 'string' && typeof answer.jobId === 'string' && typeof answer.text === 'string',
  );
}

/** Forgets a kept answer once it is stored (the file goes when it is empty). */
export async function dropKeptAnswer(place: RecoveryPlace, jobId: string): Promise<void> {
  const rest = (await keptAnswers(place)).filter((answer) => answer.jobId !== jobId);
  const path = keptAnswersFileOf(place);
  if (rest.length === 0) return rm(path, { force: true });
  // Replaced whole (temporary file, then rename): a crash leaves the old list or the new one, never half of it.
  await writeFile(`${path}.tmp`, rest.map((answer) => `${JSON.stringify(answer)}\n`).join(''), { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

import type { BoundingBox } from '@model-studio/core';
import type { SandboxCharge, SandboxJobDuration } from './sandbox-options.js';

/** The `format` of a sandbox state file's header line. */
export const stateFileFormat = 'maxstudio-sandbox-state';

/** The first line of a state file: what it is, and the starting balance. */
export interface StateHeader {
  format: typeof stateFileFormat;
  version: 1;
  sandbox: true;
  note: string;
  createdAt: string;
  initialCredits: number;
}

/** A job accepted and charged, written before its id is answered. Its input images are in the jobs folder. */
export interface JobRecord extends Omit<SandboxCharge, 'inputs'> {
  type: 'job';
  /** What each input image was (see `SandboxCharge.inputs`); absent in lines written before it was recorded. */
  inputs?: string[];
  /** When the job was accepted, ms since the epoch: its status moves on from there, across restarts too. */
  createdAt: number;
  duration: SandboxJobDuration;
  scripted: 'fail' | 'hang' | null;
  /** The swap's boxes (its input files: target, then one source per box); absent for an enhance (one input file). */
  boxes?: BoundingBox[];
  /** An enhance's scale factor; absent in lines written before it was recorded (they were all 2x). */
  upscale?: number;
  /** A video swap's count of new faces (its input files: the video, then one image per face). */
  newFaces?: number;
}

/** How a job ended: `completed` once its output file is in place, or `failed`. */
export interface EndRecord {
  type: 'end';
  jobId: string;
  outcome: 'completed' | 'failed';
  error?: string;
}

export type StateRecord = JobRecord | EndRecord;

/** The header of a new state file. */
export function newHeader(initialCredits: number): StateHeader {
  return {
    format: stateFileFormat,
    version: 1,
    sandbox: true,
    note: 'MaxStudio SANDBOX state (an emulator on this machine, not the MaxStudio API): its jobs, charges and balance are test data; no real credits were spent or are owed.',
    createdAt: new Date().toISOString(),
    initialCredits,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
/** Job ids name files in the jobs folder, so only safe characters are accepted. */
export const isSafeJobId = (value: unknown): value is string =>
  typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(value);

export function isHeader(value: unknown): value is StateHeader {
  return (
    isRecord(value) &&
    value.format === stateFileFormat &&
    value.version === 1 &&
    value.sandbox === true &&
    isCount(value.initialCredits)
  );
}

export function isStateRecord(value: unknown): value is StateRecord {
  if (!isRecord(value) || !isSafeJobId(value.jobId)) return false;
  if (value.type === 'end') return value.outcome === 'completed' || value.outcome === 'failed';
  if (value.type !== 'job') return false;
  const duration = value.duration;
  return (
    (value.operation === 'swap' || value.operation === 'enhance' || value.operation === 'video-swap') &&
    isCount(value.createdAt) &&
    isCount(value.credits) &&
    isCount(value.balanceAfter) &&
    typeof value.at === 'string' &&
    isRecord(duration) &&
    isCount(duration.pendingMs) &&
    isCount(duration.runningMs) &&
    (value.scripted === null || value.scripted === 'fail' || value.scripted === 'hang') &&
    (value.inputs === undefined ||
      (Array.isArray(value.inputs) && value.inputs.every((input) => typeof input === 'string'))) &&
    (value.upscale === undefined || value.upscale === 2 || value.upscale === 4) &&
    (value.operation !== 'video-swap' || (typeof value.newFaces === 'number' && value.newFaces > 0)) &&
    (value.operation !== 'swap' || (Array.isArray(value.boxes) && value.boxes.length > 0))
  );
}

/** A state file's contents: its header, its records, and where its last complete line ends (bytes). */
export interface ParsedState {
  header: StateHeader;
  records: StateRecord[];
  /** Bytes to keep: a torn last line is cut off. */
  keepBytes: number;
  /** True when the last record is complete but has no newline yet. */
  needsNewline: boolean;
}

/**
 * Reads a state file's bytes. A last line that does not parse (a write cut off by a crash) is ignored; any other bad
 * line is damage and throws, and so does a file whose first line is not a sandbox state header.
 */
export function parseState(bytes: Buffer, path: string): ParsedState {
  const end = bytes.lastIndexOf(0x0a) + 1;
  const lines = bytes.subarray(0, end).toString('utf8').split('\n').slice(0, -1);
  const tail = bytes.subarray(end).toString('utf8');
  let keepBytes = end;
  let needsNewline = false;
  if (tail.trim() !== '') {
    try {
      const last: unknown = JSON.parse(tail);
      if (lines.length > 0 && isStateRecord(last)) {
        lines.push(tail);
        keepBytes = bytes.byteLength;
        needsNewline = true;
      }
    } catch {
      // a torn last line: dropped
    }
  }
  let header: unknown;
  try {
    header = JSON.parse(lines[0] ?? '');
  } catch {
    header = undefined;
  }
  if (!isHeader(header)) {
    throw new Error(
      `${path} is not a MaxStudio sandbox state file (its first line is not a {"format":"${stateFileFormat}","sandbox":true,...} header). Refusing to use it: point the sandbox at a new file.`,
    );
  }
  const records = lines.slice(1).map((line, index) => {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      record = undefined;
    }
    if (!isStateRecord(record)) {
      throw new Error(
        `${path} line ${index + 2} is not a valid sandbox state record: the file is damaged (only a torn last line is repaired). Fix or remove that line, or start with a new state file.`,
      );
    }
    return record;
  });
  return { header, records, keepBytes, needsNewline };
}

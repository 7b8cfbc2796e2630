import { crc32 } from 'node:zlib';

/** What every sealed line starts with: `{"crc":"` then 8 hex digits, `",` (18 characters, all ASCII). */
const SEAL_START = '{"crc":"';
const SEAL_LENGTH = 18;
const ID_MARK = '","type":"snapshot","unitId":"';
const STATE_MARK = '","state":{"unitId":"';
const STATUS_MARK = '","status":"';
/**
 * The ops of a unit only planned, as snapshotLineOf writes them: each `{"status":"planned","attempt":0}` (with an
 * `updatedAt` when it differs from the unit's), and nothing after them but the closing braces.
 */
const ONLY_PLANNED_OPS = /^(?:"[^"\\]+":\{"status":"planned","attempt":0(?:,"updatedAt":"[^"\\]+")?\},?)+\}\}\}$/;

/**
 * @internal Seals the JSON text of a snapshot event (`{"seq":...}`): `{"crc":"<crc32 of the rest>",` then the rest, so
 * that loading can trust the line without parsing it (see {@link readSealedSnapshot}). Readers that do not know the
 * seal see one more field, `crc`, which they ignore.
 */
export function sealSnapshotLine(json: string): string {
  const rest = json.slice(1);
  return `${SEAL_START}${crc32(rest).toString(16).padStart(8, '0')}",${rest}`;
}

/** @internal What loading needs of a sealed snapshot line, read without parsing it. */
export interface SealedSnapshot {
  seq: number;
  /** Where the unit's id is in the line's text: from `idStart` (its first character) to `idEnd` (the closing quote). */
  idStart: number;
  idEnd: number;
  /** Whether the unit is done (else it is pending: only planned, see {@link readSealedSnapshot}). */
  done: boolean;
}

/**
 * @internal Reads a line written by {@link sealSnapshotLine} (its text, and its UTF-8 bytes from `start` to `end` of
 * `bytes`): when its checksum matches, the line is byte for byte what `JSON.stringify` wrote, so its fields are found
 * by their place. Returns `undefined` when the line is not sealed, not laid out as snapshotLineOf writes, or not of a
 * unit done or only planned (it is then parsed as any line), and a reason string when the checksum does not match (the
 * line changed after it was written). Only units kept packed are sealed (see snapshotLineOf); a pending line is checked
 * to be only planned all the same (a build before sealed every line).
 */
export function readSealedSnapshot(
  text: string,
  bytes: Buffer,
  start: number,
  end: number,
): SealedSnapshot | string | undefined {
  if (!text.startsWith(SEAL_START) || text.charCodeAt(16) !== 34 || text.charCodeAt(17) !== 44) return undefined;
  const crc = hex8At(text, 8);
  if (crc < 0) return undefined;
  if (crc32(bytes.subarray(start + SEAL_LENGTH, end)) !== crc) {
    return (
      'its checksum ("crc") does not match: the line was changed after it was written. If it was edited on ' +
      'purpose, remove its "crc" field'
    );
  }
  if (!text.startsWith('"seq":', SEAL_LENGTH)) return undefined;
  // The seq, digit by digit up to the comma (at most 15 digits: a safe integer).
  let seq = 0;
  let at = SEAL_LENGTH + 6;
  for (let c = text.charCodeAt(at); c !== 44; c = text.charCodeAt(++at)) {
    if (c < 48 || c > 57 || at >= SEAL_LENGTH + 21) return undefined;
    seq = seq * 10 + c - 48;
  }
  const idMark = text.indexOf(ID_MARK, at);
  if (at === SEAL_LENGTH + 6 || idMark < 0) return undefined;
  const idStart = idMark + ID_MARK.length;
  const idEnd = text.indexOf('"', idStart);
  // The state's own unitId, the same, then its status. An id with an escape (a backslash) is left to JSON.parse.
  at = idEnd + STATE_MARK.length;
  if (idEnd < 0 || !text.startsWith(STATE_MARK, idEnd)) return undefined;
  for (let i = idStart; i < idEnd; i++, at++) {
    const c = text.charCodeAt(i);
    if (c === 92 || text.charCodeAt(at) !== c) return undefined;
  }
  if (!text.startsWith(STATUS_MARK, at)) return undefined;
  at += STATUS_MARK.length;
  if (text.startsWith('done"', at)) return { seq, idStart, idEnd, done: true };
  if (!text.startsWith('pending"', at)) return undefined;
  const opsStart = text.indexOf('"ops":{', at);
  if (opsStart < 0 || !ONLY_PLANNED_OPS.test(text.slice(opsStart + 7))) return undefined;
  return { seq, idStart, idEnd, done: false };
}

/** The number written as 8 lowercase hex digits at `at` of `text`, or -1. */
function hex8At(text: string, at: number): number {
  let value = 0;
  for (let i = at; i < at + 8; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

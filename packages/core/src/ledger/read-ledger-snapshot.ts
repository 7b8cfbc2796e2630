import { readFile } from 'node:fs/promises';
import { LedgerState } from './cost-ledger.js';
import { decodeLedgerEntry } from './ledger-entry.js';
import { type LedgerSummary, type LedgerSummaryOptions, summarize } from './ledger-summary.js';

/** A cost ledger read without opening it for writing. */
export interface LedgerSnapshot {
  /** Entries read. */
  entries: number;
  /** Lines that could not be read (a last line being written, or a corrupt line): skipped, never repaired. */
  skippedLines: number;
  summary(options?: LedgerSummaryOptions): LedgerSummary;
}

/**
 * Reads a cost ledger without opening it for writing: no repair of a torn last line, no newline appended, no lock
 * taken, so another process may be appending to it meanwhile. A missing file reads as empty. Internal: the Studio's
 * `costs()` is the public view.
 */
export async function readLedgerSnapshot(path: string): Promise<LedgerSnapshot> {
  // Summed and dropped: its settled charges stay in memory, no spill file (see PackedLines).
  const state = new LedgerState({ spill: false });
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  let skippedLines = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    let entry: ReturnType<typeof decodeLedgerEntry>;
    try {
      entry = decodeLedgerEntry(JSON.parse(line));
    } catch {
      skippedLines += 1;
      continue;
    }
    if (typeof entry === 'string') skippedLines += 1;
    else state.apply(entry);
  }
  return {
    entries: state.size,
    skippedLines,
    summary: (options = {}) => summarize(state.slotValues(), options.by ?? ['model', 'op', 'rating']),
  };
}

import { readFile } from 'node:fs/promises';
import { decodeJournalEvent } from './journal-event.js';
import { applyJournalEvent, type MutableUnitState } from './journal-state.js';

/**
 * Reads a journal without opening it for writing: no repair, no reconcile. For status while another process runs
 * the model. A last line being written is skipped.
 */
export async function readJournalSnapshot(path: string): Promise<Map<string, MutableUnitState>> {
  const units = new Map<string, MutableUnitState>();
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  for (const line of text.split('\n')) {
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const event = decodeJournalEvent(value);
    if (typeof event !== 'string') applyJournalEvent(units, event);
  }
  return units;
}

import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatLedgerSummary, type LedgerEntryInput, PRICE_TABLE_NOTE, ValidationError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CostLedger, openLedger } from '../src/ledger/index.js';

let dir: string;
let path: string;
const open: CostLedger[] = [];

async function ledgerAt() {
  const ledger = await openLedger(path);
  open.push(ledger);
  return ledger;
}

async function reopen() {
  await open.pop()?.close();
  return ledgerAt();
}

async function lineCount(): Promise<number> {
  return (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '').length;
}

const base = { model: 'andie', provider: 'maxstudio', unitOfAccount: 'credits' } as const;
function swap(itemId: string, extra: Partial<LedgerEntryInput> & Pick<LedgerEntryInput, 'kind'>): LedgerEntryInput {
  return { ...base, itemId, op: 'swap', amount: 10, rating: 'sfw', ...extra };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ledger-'));
  path = join(dir, 'costs.jsonl');
});

afterEach(async () => {
  for (const ledger of open.splice(0)) await ledger.close();
  await rm(dir, { recursive: true, force: true });
});

describe('cost ledger', () => {
  it('records an actual charge once per (item, op, job id), however often and concurrently it is written', async () => {
    let ledger = await ledgerAt();
    const actual = swap('u1', { kind: 'actual', jobId: 'job-1' });
    const results = await Promise.all([ledger.record(actual), ledger.record(actual), ledger.record(actual)]);
    expect(results.map((r) => r.recorded)).toEqual([true, false, false]);
    expect(results[1]?.entry).toEqual(results[0]?.entry);
    expect(await lineCount()).toBe(1);

    ledger = await reopen();
    expect((await ledger.record(actual)).recorded).toBe(false);
    expect(ledger.hasActual('u1', 'swap', 'job-1')).toBe(true);
    // A different job id is a different charge.
    expect((await ledger.record({ ...actual, jobId: 'job-2' })).recorded).toBe(true);
    expect(await lineCount()).toBe(2);
    expect(ledger.totals('credits')).toMatchObject({ actual: 20, reserved: 0, committed: 20 });
  });

  it('a deferred entry counts at once and reaches the file with the next immediate entry or flush', async () => {
    const ledger = await ledgerAt();
    await ledger.record(swap('a', { kind: 'reserved', attempt: 1 }));
    await ledger.record(swap('a', { kind: 'actual', jobId: 'job-a', attempt: 1 }), { durability: 'deferred' });
    expect(ledger.totals('credits')).toMatchObject({ actual: 10, reserved: 0 });
    expect(await lineCount()).toBe(1);
    await ledger.record(swap('b', { kind: 'reserved', attempt: 1 }));
    expect(await lineCount()).toBe(3);
    await ledger.record(swap('b', { kind: 'actual', jobId: 'job-b', attempt: 1 }), { durability: 'deferred' });
    await ledger.flush();
    expect(await lineCount()).toBe(4);
    expect((await reopen()).totals('credits')).toMatchObject({ actual: 20, reserved: 0 });
  });

  it('settles a reservation when the actual arrives and releases it when the submission fails', async () => {
    const ledger = await ledgerAt();
    await ledger.record(swap('u1', { kind: 'reserved' }));
    await ledger.record(swap('u2', { kind: 'reserved' }));
    expect(ledger.totals('credits')).toMatchObject({ reserved: 20, committed: 20 });

    await ledger.record(swap('u1', { kind: 'actual', jobId: 'j1', amount: 9 }));
    const open2 = ledger.openReservation('u2', 'swap');
    expect(open2).toMatchObject({ kind: 'reserved', amount: 10 });
    await ledger.record({ ...open2!, kind: 'release', note: '400 image too large' });
    expect(ledger.openReservation('u1', 'swap')).toBeUndefined();
    expect(ledger.openReservation('u2', 'swap')).toBeUndefined();
    expect(ledger.totals('credits')).toMatchObject({ actual: 9, reserved: 0, committed: 9 });
    // Releasing twice changes nothing and writes nothing.
    const lines = await lineCount();
    expect((await ledger.record({ ...open2!, kind: 'release' })).recorded).toBe(false);
    expect(await lineCount()).toBe(lines);

    const reopened = await reopen();
    expect(reopened.totals('credits')).toMatchObject({ actual: 9, reserved: 0, uncertain: 0 });
  });

  it('an uncertain submission counts until resolved as charged (actual of that attempt) or not (release)', async () => {
    let ledger = await ledgerAt();
    await ledger.record(swap('u1', { kind: 'reserved' }));
    await ledger.record(swap('u1', { kind: 'uncertain', attempt: 1, note: 'socket hang up' }));
    expect((await ledger.record(swap('u1', { kind: 'uncertain', attempt: 1 }))).recorded).toBe(false);
    await ledger.record(swap('u2', { kind: 'uncertain', attempt: 1 }));
    expect(ledger.totals('credits')).toMatchObject({ reserved: 0, uncertain: 20, committed: 20 });

    ledger = await reopen();
    expect(ledger.openUncertain('u1', 'swap')).toMatchObject([{ attempt: 1, note: 'socket hang up' }]);
    // u1: the job was found in the provider's dashboard, so the charge is real.
    await ledger.record(swap('u1', { kind: 'actual', attempt: 1, jobId: 'found' }));
    // u2: the account shows no charge.
    await ledger.record(swap('u2', { kind: 'release', releases: 'uncertain', attempt: 1 }));
    expect(ledger.openUncertain('u1', 'swap')).toEqual([]);
    expect(ledger.totals('credits')).toMatchObject({ actual: 10, uncertain: 0, committed: 10 });
    // Recording the uncertain again (a resumed run re-checking) does not bring it back.
    expect((await ledger.record(swap('u2', { kind: 'uncertain', attempt: 1 }))).recorded).toBe(false);
    expect(ledger.totals('credits').uncertain).toBe(0);
  });

  it('lists its units of account in first-seen order, with running totals equal to the summary, after a reopen too', async () => {
    let ledger = await ledgerAt();
    expect(ledger.unitsOfAccount()).toEqual([]);
    await ledger.record(swap('u1', { kind: 'reserved' }));
    await ledger.record(swap('u1', { kind: 'actual', jobId: 'a' })); // settles the reservation
    await ledger.record(swap('u2', { kind: 'reserved', amount: 7 }));
    await ledger.record(swap('u2', { kind: 'release' }));
    await ledger.record(swap('u3', { kind: 'uncertain', attempt: 1 }));
    await ledger.record(swap('u4', { kind: 'uncertain', attempt: 1 }));
    await ledger.record(swap('u4', { kind: 'release', releases: 'uncertain', attempt: 1 }));
    await ledger.record({ ...base, itemId: 'c1', op: 'caption', amount: 0.25, unitOfAccount: 'USD', kind: 'actual' });
    await ledger.record(swap('u5', { kind: 'estimate', amount: 3 }));
    await ledger.record(swap('u6', { kind: 'reserved', amount: 4 }));
    const expected = [
      { unitOfAccount: 'credits', actual: 10, reserved: 4, uncertain: 10, estimate: 3, committed: 24 },
      { unitOfAccount: 'USD', actual: 0.25, reserved: 0, uncertain: 0, estimate: 0, committed: 0.25 },
    ];
    for (let round = 0; round < 2; round++) {
      expect(ledger.unitsOfAccount()).toEqual(['credits', 'USD']);
      const totals = ledger.unitsOfAccount().map((unit) => ledger.totals(unit));
      expect(totals).toEqual(expected);
      const summarised = ledger.summary({ by: [] }).totals;
      for (const row of totals) expect(summarised.find((s) => s.unitOfAccount === row.unitOfAccount)).toEqual(row);
      ledger = await reopen();
    }
  });

  it('summarises per model, op, rating and unit, and says where actual amounts come from', async () => {
    const ledger = await ledgerAt();
    await ledger.record(swap('u1', { kind: 'estimate' }));
    await ledger.record(swap('u1', { kind: 'estimate', amount: 11 })); // the latest estimate counts
    await ledger.record(swap('u1', { kind: 'actual', jobId: 'a', source: 'price-table' }));
    await ledger.record(
      swap('u2', { kind: 'actual', jobId: 'b', rating: 'nsfw', source: 'provider-reported', amount: 12 }),
    );
    await ledger.record({ ...base, itemId: 'u1', op: 'enhance', amount: 2, rating: 'sfw', kind: 'reserved' });
    await ledger.record({
      ...base,
      itemId: 'u3',
      op: 'caption',
      amount: 0.25,
      unitOfAccount: 'USD',
      kind: 'actual',
      source: 'provider-reported',
    });

    const summary = ledger.summary();
    expect(summary.by).toEqual(['model', 'op', 'rating']);
    expect(summary.rows).toEqual([
      expect.objectContaining({ op: 'caption', unitOfAccount: 'USD', actual: 0.25, actualSource: 'provider-reported' }),
      expect.objectContaining({ op: 'enhance', rating: 'sfw', reserved: 2, actual: 0, actualSource: 'none' }),
      expect.objectContaining({
        op: 'swap',
        rating: 'nsfw',
        actual: 12,
        actualCount: 1,
        actualSource: 'provider-reported',
      }),
      expect.objectContaining({ op: 'swap', rating: 'sfw', actual: 10, estimate: 11, actualSource: 'price-table' }),
    ]);
    expect(summary.totals).toEqual([
      { unitOfAccount: 'credits', actual: 22, reserved: 2, uncertain: 0, estimate: 11, committed: 24 },
      { unitOfAccount: 'USD', actual: 0.25, reserved: 0, uncertain: 0, estimate: 0, committed: 0.25 },
    ]);
    expect(summary.actualSource).toBe('mixed');
    expect(summary.note).toBe(PRICE_TABLE_NOTE);
    expect(summary.note).toMatch(/not reported by the provider/);

    const byItem = ledger.summary({ by: ['itemId'] });
    expect(byItem.rows.map((row) => [row.itemId, row.unitOfAccount, row.committed])).toEqual([
      ['u1', 'credits', 12],
      ['u2', 'credits', 12],
      ['u3', 'USD', 0.25],
    ]);
    const text = formatLedgerSummary(ledger.summary({ by: ['op'] }));
    expect(text).toMatch(/^op\s+unit\s+actual\s+reserved\s+uncertain\s+estimate\s+source/);
    expect(text).toMatch(/swap\s+credits\s+22\s+0\s+0\s+11\s+mixed/);
    expect(text).toContain(`Note: ${PRICE_TABLE_NOTE}`);
  });

  it('gives no price-table note when every amount was reported by the provider', async () => {
    const ledger = await ledgerAt();
    await ledger.record(swap('u1', { kind: 'actual', source: 'provider-reported' }));
    expect(ledger.summary().note).toBeUndefined();
    expect(ledger.summary({ by: [] }).rows).toEqual([
      expect.objectContaining({ unitOfAccount: 'credits', actual: 10 }),
    ]);
  });

  it('refuses malformed entries with a ValidationError and writes nothing', async () => {
    const ledger = await ledgerAt();
    await expect(ledger.record(swap('u1', { kind: 'actual', amount: -1 }))).rejects.toThrow(ValidationError);
    await expect(ledger.record(swap('u1', { kind: 'actual', amount: Number.NaN }))).rejects.toThrow(/amount must be/);
    await expect(ledger.record(swap('', { kind: 'actual' }))).rejects.toThrow(/itemId must be a non-empty string/);
    await expect(ledger.record(swap('u1', { kind: 'refund' as 'actual' }))).rejects.toThrow(/kind must be one of/);
    await expect(ledger.record(swap('u1', { kind: 'actual', attempt: 0 }))).rejects.toThrow(/attempt/);
    expect(await lineCount()).toBe(0);
    expect(ledger.size).toBe(0);
  });

  it('drops a torn last line on load', async () => {
    let ledger = await ledgerAt();
    await ledger.record(swap('u1', { kind: 'actual', jobId: 'a' }));
    await ledger.close();
    open.pop();
    await appendFile(path, '{"seq":2,"at":"2026-01-01T00:00:00.000Z","kind":"act');
    ledger = await ledgerAt();
    expect(ledger.totals('credits').actual).toBe(10);
    await ledger.record(swap('u2', { kind: 'actual', jobId: 'b' }));
    ledger = await reopen();
    expect(ledger.totals('credits').actual).toBe(20);
    expect(ledger.size).toBe(2);
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BudgetExceededError, ValidationError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CostLedger, createBudget, openLedger } from '../src/ledger/index.js';

let dir: string;
let path: string;
const open: CostLedger[] = [];

async function ledgerAt() {
  const ledger = await openLedger(path);
  open.push(ledger);
  return ledger;
}

const swap = (itemId: string, amount = 10) => ({ model: 'andie', itemId, op: 'swap', provider: 'maxstudio', amount });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'budget-'));
  path = join(dir, 'costs.jsonl');
});

afterEach(async () => {
  for (const ledger of open.splice(0)) await ledger.close();
  await rm(dir, { recursive: true, force: true });
});

describe('budget', () => {
  it('50 concurrent reservations never exceed the limit', async () => {
    const ledger = await ledgerAt();
    const budget = createBudget({ ledger, limit: 205, unit: 'credits' });
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => budget.reserve(swap(`u${i}`))));

    const accepted = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(accepted).toHaveLength(20);
    expect(refused).toHaveLength(30);
    expect(refused.every((error) => BudgetExceededError.isInstance(error))).toBe(true);
    expect((refused[0] as BudgetExceededError).remaining).toBe(5);
    expect(ledger.totals('credits')).toMatchObject({ reserved: 200, committed: 200 });
    expect(budget.remaining()).toBe(5);
    const written = (await readFile(path, 'utf8')).trim().split('\n');
    expect(written).toHaveLength(20);
  });

  it('says how much is left and what to do, and reserves nothing when refused', async () => {
    const ledger = await ledgerAt();
    const budget = createBudget({ ledger, limit: 100 });
    await ledger.record({ ...swap('done'), amount: 82, kind: 'actual', unitOfAccount: 'credits', jobId: 'j' });
    await budget.reserve(swap('a'));
    expect(budget.committed()).toBe(92);

    const refused = budget.reserve(swap('b'));
    await expect(refused).rejects.toThrow(BudgetExceededError);
    await expect(refused).rejects.toThrow(
      'Budget of 100 credits would be exceeded: 92 credits reserved or spent, this swap needs 10; 8 credits left. ' +
        'Nothing was submitted.',
    );
    await expect(refused).rejects.toMatchObject({ budget: 100, committed: 92, requested: 10, unit: 'credits' });
    expect(ledger.openReservation('b', 'swap')).toBeUndefined();
    // Something that fits still goes through.
    await budget.reserve(swap('c', 8));
    expect(budget.remaining()).toBe(0);
  });

  it('a released reservation frees budget; an actual replaces it', async () => {
    const ledger = await ledgerAt();
    const budget = createBudget({ ledger, limit: 20 });
    await budget.reserve(swap('a'));
    await budget.reserve(swap('b'));
    await expect(budget.reserve(swap('c'))).rejects.toThrow(BudgetExceededError);
    await ledger.record({ ...ledger.openReservation('b', 'swap')!, kind: 'release' });
    await ledger.record({ ...swap('a', 7), kind: 'actual', unitOfAccount: 'credits', jobId: 'ja' });
    expect(budget.committed()).toBe(7);
    await budget.reserve(swap('c'));
    expect(budget.remaining()).toBe(3);
  });

  it('counts earlier actual and uncertain spend after a restart, and re-reserving the same op counts once', async () => {
    let ledger = await ledgerAt();
    await ledger.record({ ...swap('a', 50), kind: 'actual', unitOfAccount: 'credits', jobId: 'ja' });
    await ledger.record({ ...swap('b'), kind: 'uncertain', unitOfAccount: 'credits' });
    await createBudget({ ledger, limit: 100 }).reserve(swap('c'));
    await open.pop()?.close();

    ledger = await ledgerAt();
    const budget = createBudget({ ledger, limit: 100, unit: 'credits' });
    expect(budget.committed()).toBe(70);
    // The resumed run reserves c again: nothing new is held or written.
    const again = await budget.reserve(swap('c'));
    expect(again.recorded).toBe(false);
    expect(budget.remaining()).toBe(30);
    await expect(budget.reserve(swap('d', 31))).rejects.toThrow(/30 credits left/);
    // Re-reserving with a new price replaces the old hold rather than adding to it.
    await budget.reserve(swap('c', 40));
    expect(budget.committed()).toBe(100);
  });

  it('refuses a bad limit or another unit of account with a ValidationError', async () => {
    const ledger = await ledgerAt();
    expect(() => createBudget({ ledger, limit: -1 })).toThrow(ValidationError);
    expect(() => createBudget({ ledger, limit: Number.POSITIVE_INFINITY })).toThrow(/finite number/);
    const budget = createBudget({ ledger, limit: 10, unit: 'USD' });
    await expect(budget.reserve({ ...swap('a', 1), unitOfAccount: 'credits' })).rejects.toThrow(
      /budget is in USD; the reservation for a is in credits/,
    );
    await expect(budget.reserve(swap('a', -1))).rejects.toThrow(ValidationError);
  });
});

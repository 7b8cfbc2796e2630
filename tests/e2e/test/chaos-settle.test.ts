import { describe, expect, it } from 'vitest';
import { runChaosStorm } from './helpers/chaos-storm.js';

const UNITS = 100;
const KILLS = 6;
const SEED = Number(process.env.CHAOS_SEED ?? 20261126);

describe('exactly-once billing through a storm of faults and kills, settled from the provider bill', () => {
  it(`a ${UNITS}-unit run killed ${KILLS} times under faults, settled through the CLI: every unit done once, nothing paid twice, ledger = billing`, async () => {
    console.log(`chaos test seed ${SEED} (set CHAOS_SEED to change; CHAOS_KEEP=1 keeps the workspace)`);
    const storm = await runChaosStorm({ seed: SEED, units: UNITS, kills: KILLS, log: (line) => console.log(line) });
    const { figures, status } = storm;
    console.log(storm.summary);
    const context = `${storm.summary}\n${storm.evidence.join('\n')}\nworkspace: ${storm.root}`;
    try {
      // The storm did what it is for: runners were killed, and some submissions were left uncertain to settle.
      expect(figures.kills, context).toBeGreaterThanOrEqual(3);
      expect(figures.attached + figures.settledNotCharged, context).toBe(figures.uncertainOps);

      // Every unit is done, its enhanced output exists exactly once, and nothing is uncertain or in flight.
      expect(status.units, context).toMatchObject({ total: UNITS, done: UNITS, uncertain: 0, inFlight: 0 });
      expect(status.stages, context).toMatchObject({ total: UNITS * 2, done: UNITS * 2, uncertain: 0, inFlight: 0 });
      expect(status.uncertain, context).toEqual([]);
      expect(status.inFlight, context).toEqual([]);
      expect(
        [...storm.enhancedFiles.counts.values()].filter((count) => count !== 1),
        context,
      ).toEqual([]);
      expect(storm.enhancedFiles.unexpected, context).toEqual([]);

      // No operation was paid twice: each charge is for one stage, and each stage was charged once at most (an op
      // resubmitted after `--not-charged` had no earlier charge).
      expect(figures.unmatchedCharges, context).toBe(0);
      expect(figures.paidTwice, context).toBe(0);
      expect(figures.charges, context).toBe(UNITS * 2);

      // The ledger agrees with the provider's bill exactly, with nothing reserved or uncertain left.
      expect(figures.ledgerMinusBilling, context).toBe(0);
      expect(figures.ledgerReserved, context).toBe(0);
      expect(figures.ledgerUncertain, context).toBe(0);
      if (!process.env.CHAOS_KEEP) await storm.cleanup();
    } catch (error) {
      console.log(`kept the workspace for inspection: ${storm.root}`);
      throw error;
    }
  }, 600_000);
});

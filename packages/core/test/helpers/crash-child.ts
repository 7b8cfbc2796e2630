/**
 * Child process of test/crash.test.ts, run with `node --import tsx`. It acts as the orchestrator for a run of
 * CRASH_UNITS units (ops swap then enhance), writing the real journal and ledger, against an in-process fake provider
 * that charges on accept: it appends the charge to `provider-billing.jsonl` and fsyncs BEFORE returning the job id.
 * The parent SIGKILLs it; every start resumes from the files.
 *
 * Environment:
 * - CRASH_DIR: the model directory.  CRASH_UNITS: how many units.
 * - CRASH_MODE: `run` (uncertain submissions are left flagged) or `resolve` (a person checks the provider's billing:
 *   a charge found there is reattached by its job id; otherwise the uncertain entry is released and resubmitted).
 * - CRASH_LABEL + CRASH_OCCURRENCE, CRASH_STEP_CAP: freeze at the n-th time checkpoint LABEL is reached (or at step
 *   CRASH_STEP_CAP) and print `kill-point`, so the parent's SIGKILL lands exactly there.
 * Stdout lines: `ready`, `completed <unitId>`, `reattached <unitId> <op>`, `resolved <found|not-charged> ...`,
 * `kill-point <step> <label>`, `finished`.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openJournal } from '../../src/journal/index.js';
import { createBudget, openLedger } from '../../src/ledger/index.js';

const dir = process.env.CRASH_DIR ?? '';
const unitCount = Number(process.env.CRASH_UNITS ?? 10);
const mode = process.env.CRASH_MODE ?? 'run';
const killLabel = process.env.CRASH_LABEL ?? '';
const killOccurrence = Number(process.env.CRASH_OCCURRENCE ?? 1);
const stepCap = Number(process.env.CRASH_STEP_CAP ?? 0);
const OPS = ['swap', 'enhance'] as const;
const PRICES: Record<string, number> = { swap: 10, enhance: 2 };
const MODEL = 'crashy';

const say = (line: string) => writeSync(1, `${line}\n`);
const frozen = new Int32Array(new SharedArrayBuffer(4));
let steps = 0;
let labelHits = 0;

/** A moment the parent may kill at: freezes the whole process (event loop included) so the kill lands here. */
function checkpoint(label: string): void {
  steps++;
  if (label === killLabel) labelHits++;
  if ((killLabel !== '' && label === killLabel && labelHits === killOccurrence) || steps === stepCap) {
    say(`kill-point ${steps} ${label}`);
    Atomics.wait(frozen, 0, 0, 30_000);
  }
}

interface Charge {
  jobId: string;
  itemId: string;
  op: string;
  attempt: number;
  amount: number;
}

/** A paid provider that charges when it accepts a job, like MaxStudio; its billing survives our crashes. */
class FakeProvider {
  readonly charges = new Map<string, Charge>();
  private readonly fd: number;
  constructor(path: string) {
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (line === '') continue;
        const charge = JSON.parse(line) as Charge;
        this.charges.set(charge.jobId, charge);
      }
    }
    this.fd = openSync(path, 'a');
  }

  async submit(itemId: string, op: string, attempt: number): Promise<string> {
    await sleep(0);
    // Units 3, 10, 17, ... have their first swap refused before it is accepted (nothing charged).
    if (op === 'swap' && attempt === 1 && Number(itemId.split('-')[1]) % 7 === 3) {
      throw new Error('503: try again (not accepted, not charged)');
    }
    const charge: Charge = { jobId: randomUUID(), itemId, op, attempt, amount: PRICES[op]! };
    writeSync(this.fd, `${JSON.stringify(charge)}\n`);
    fdatasyncSync(this.fd);
    this.charges.set(charge.jobId, charge);
    return charge.jobId;
  }

  async wait(jobId: string): Promise<Charge> {
    await sleep(1);
    const charge = this.charges.get(jobId);
    if (!charge) throw new Error(`unknown job ${jobId}: reattached to a job the provider never accepted`);
    return charge;
  }

  close(): void {
    closeSync(this.fd);
  }
}

const journal = await openJournal(join(dir, 'progress.jsonl'));
const ledger = await openLedger(join(dir, 'costs.jsonl'));
const budget = createBudget({ ledger, limit: 1e9, unit: 'credits' });
const provider = new FakeProvider(join(dir, 'provider-billing.jsonl'));
say('ready');

const ids = Array.from({ length: unitCount }, (_, i) => `unit-${i}`);
await Promise.all(
  ids.filter((id) => !journal.state(id)).map((id) => journal.append({ type: 'planned', unitId: id, ops: [...OPS] })),
);

const entry = (itemId: string, op: string, attempt: number) =>
  ({
    model: MODEL,
    itemId,
    op,
    provider: 'fake',
    amount: PRICES[op]!,
    unitOfAccount: 'credits',
    attempt,
    rating: 'sfw',
  }) as const;

// Every uncertain submission is counted as possible spend (idempotent per item, op and attempt).
for (const op of journal.uncertain()) {
  checkpoint('before-uncertain');
  await ledger.record({ ...entry(op.unitId, op.op, op.attempt), kind: 'uncertain', note: op.reason });
}

if (mode === 'resolve') {
  // A person checks the provider's billing page for each uncertain submission.
  for (const op of journal.uncertain()) {
    const found = [...provider.charges.values()].find(
      (c) => c.itemId === op.unitId && c.op === op.op && !ledger.hasActual(c.itemId, c.op, c.jobId),
    );
    checkpoint('before-resolve');
    if (found) {
      await journal.append({ type: 'submitted', unitId: op.unitId, op: op.op, jobId: found.jobId, provider: 'fake' });
      say(`resolved found ${op.unitId} ${op.op}`);
    } else {
      await ledger.record({ ...entry(op.unitId, op.op, op.attempt), kind: 'release', releases: 'uncertain' });
      checkpoint('before-approve');
      await journal.append({ type: 'resubmit-approved', unitId: op.unitId, op: op.op, note: 'no charge in billing' });
      say(`resolved not-charged ${op.unitId} ${op.op}`);
    }
  }
}

let completedHere = 0;

async function runUnit(id: string): Promise<void> {
  for (const op of OPS) {
    const state = journal.state(id)!;
    if (state.status === 'done' || state.status === 'uncertain') return;
    const current = state.ops[op];
    if (current?.status === 'completed') continue;
    let jobId: string;
    let attempt: number;
    if (current?.status === 'submitted' && current.jobId) {
      jobId = current.jobId;
      attempt = current.attempt;
      say(`reattached ${id} ${op}`);
    } else {
      for (;;) {
        attempt = (journal.state(id)!.ops[op]?.attempt ?? 0) + 1;
        checkpoint('before-reserve');
        await budget.reserve({ ...entry(id, op, attempt) });
        checkpoint('before-submitting');
        await journal.append({ type: 'submitting', unitId: id, op, attempt });
        checkpoint('before-submit');
        try {
          jobId = await provider.submit(id, op, attempt);
        } catch (error) {
          checkpoint('before-failed');
          await journal.append({
            type: 'failed',
            unitId: id,
            op,
            code: 'provider',
            message: String(error),
            retryable: true,
          });
          await ledger.record({ ...ledger.openReservation(id, op)!, kind: 'release' });
          continue;
        }
        checkpoint('billed-before-submitted');
        await journal.append({ type: 'submitted', unitId: id, op, jobId, provider: 'fake' });
        break;
      }
    }
    checkpoint('before-wait');
    const charge = await provider.wait(jobId);
    checkpoint('before-actual');
    await ledger.record({
      ...entry(id, op, attempt),
      kind: 'actual',
      jobId,
      amount: charge.amount,
      source: 'price-table',
    });
    checkpoint('before-op-completed');
    await journal.append({ type: 'completed', unitId: id, op, outputKeys: [`${id}-${op}.jpg`] });
  }
  checkpoint('before-unit-completed');
  await journal.append({ type: 'completed', unitId: id, outputKeys: [`${id}.jpg`] });
  say(`completed ${id}`);
  completedHere++;
  if (completedHere % 5 === 0) {
    checkpoint('before-compact');
    await journal.compact();
  }
}

// Four units in flight at a time.
const queue = [...ids];
await Promise.all(
  Array.from({ length: 4 }, async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) await runUnit(id);
  }),
);
await journal.close();
await ledger.close();
provider.close();
say('finished');

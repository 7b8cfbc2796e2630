// A storm for the exactly-once billing promise: a real run (runner and MaxStudio sandbox in their own processes) under
// latency and faults (connections dropped before and after a paid POST was accepted, 429s, 5xx, broken poll bodies),
// killed with SIGKILL at seeded moments and resumed, never with `resubmitUncertain`. Then every uncertain stage is
// settled from the sandbox's own record of what it charged, as a user would from the provider's account, through the
// real `studio` CLI: a charge the ledger does not know is attached (`studio resume --attach`), a stage with no charge
// is settled `--not-charged`, and a last `studio resume` finishes. Shared by test/chaos-settle.test.ts and the bench.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudio, LocalStorage, type ModelStatus, openWorkspace, stageId, storageKeys } from '@model-studio/core';
import sharp from 'sharp';
import { collectLines, exited, seededRandom, spawnTs, startSandboxProcess } from './child-process.js';
import { type CliResult, cleanEnv, ensureCliBuilt, parseJson, runCli } from './cli-process.js';
import { type LedgerLine, readJsonLines } from './cli-workspace.js';
import { samplesDir, sfwConsent } from './pipeline-rig.js';

/** What the storm is made of. */
export interface ChaosStormOptions {
  /** Seeds the kill moments and the sandbox's fault draws. */
  seed: number;
  /** Units: one source x this many targets, sfw. */
  units: number;
  /** How many runners are killed (SIGKILL) before one is left to finish (fewer when a runner finishes first). */
  kills: number;
  /** @default 8 */
  concurrency?: number;
  /** Chance of each fault kind per matching request. @default 0.03 */
  faultRate?: number;
  /** A kill comes this many ms after the runner says it is ready, drawn from [min, max]. @default { min: 800, max: 5000 } */
  killWindowMs?: { min: number; max: number };
  /** Folder the workspace is made in. @default os.tmpdir() */
  dir?: string;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** One charge of the sandbox, as `GET /__sandbox/billing` shows it. */
export interface StormCharge {
  jobId: string;
  operation: 'swap' | 'enhance';
  credits: number;
  inputs: string[];
}

/** The storm's figures (what the test asserts and the bench records). */
export interface StormFigures {
  seed: number;
  units: number;
  kills: number;
  /** Stages left uncertain when the runners were done. */
  uncertainOps: number;
  /** Of those: the sandbox charged them (a job the ledger did not know), attached with `studio resume --attach`. */
  attached: number;
  /** Of those: no charge, settled with `studio costs settle --not-charged`. */
  settledNotCharged: number;
  /** Charges the sandbox made. */
  charges: number;
  /** Stages the sandbox charged more than once (goal 0). */
  paidTwice: number;
  /** Charges that match no stage (goal 0). */
  unmatchedCharges: number;
  /** Credits the sandbox billed. */
  billed: number;
  /** The ledger's totals after settling (`studio costs --json`). */
  ledgerActual: number;
  ledgerReserved: number;
  ledgerUncertain: number;
  /** Ledger actual minus sandbox billing (goal 0). */
  ledgerMinusBilling: number;
  /** Faults the sandbox injected, by kind (its request log). */
  faults: Record<string, number>;
  wallMs: number;
  /** Of which settling through the CLI (after the last runner). */
  settleMs: number;
}

/** What {@link runChaosStorm} found, for assertions. */
export interface ChaosStormResult {
  figures: StormFigures;
  model: string;
  root: string;
  /** `studio status <model> --json` after the last resume. */
  status: ModelStatus;
  /** How many enhanced results each unit has on disk (expected name → count; other files under `unexpected`). */
  enhancedFiles: { counts: Map<string, number>; unexpected: string[] };
  /** The CLI calls made, in order (for messages). */
  cli: { args: string[]; result: CliResult }[];
  /** Stages charged twice and charges matching no stage, with their journal and ledger lines. */
  evidence: string[];
  /** The one-line summary of the figures. */
  summary: string;
  /** Removes the workspace. */
  cleanup(): Promise<void>;
}

const MODEL = 'chaos';
/** How long one runner may take. */
const runnerTimeoutMs = 300_000;
const RATING = 'sfw';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The storm's faults: each kind with chance `rate` per matching request, over 5-60 ms of latency. */
export function stormFaultPlan(seed: number, rate: number, storm = true): Record<string, unknown> {
  const always = [
    { kind: 'rate-limit', probability: rate },
    { kind: 'server-error', probability: rate, status: 503 },
    { kind: 'server-error', probability: rate / 2, status: 502 },
  ];
  const paidPosts = ['swap', 'enhance'];
  const stormOnly = [
    { kind: 'drop-after-accept', on: paidPosts, probability: rate },
    { kind: 'drop-before-accept', on: paidPosts, probability: rate },
    { kind: 'malformed-json', on: ['swap-status', 'enhance-status'], probability: rate },
  ];
  return { seed, latency: { minMs: 5, maxMs: 60 }, rules: storm ? [...stormOnly, ...always] : always };
}

/** One source and `units` targets (each slightly different, so every swap result and its hash is different). */
async function prepareWorkspace(root: string, units: number): Promise<void> {
  const storage = new LocalStorage({ root });
  const workspace = await openWorkspace({ root, storage });
  try {
    await workspace.createModel(MODEL, { thresholds: { minShortSide: 256 } });
    await workspace.setConsent(MODEL, sfwConsent());
    const small = (file: string) => sharp(file).resize(320, 320).jpeg({ quality: 85 }).toBuffer();
    await storage.put(storageKeys.source(MODEL, 1), await small(join(samplesDir, 'grace_hopper.jpg')));
    const target = await sharp(join(samplesDir, 'targets', 'astronaut.png'))
      .resize(320, 320)
      .toBuffer();
    for (let n = 1; n <= units; n++) {
      const background = { r: n % 256, g: (n * 37) % 256, b: (n * 91) % 256 };
      const mark = await sharp({ create: { width: 8, height: 8, channels: 3, background } })
        .png()
        .toBuffer();
      const bytes = await sharp(target)
        .composite([{ input: mark, left: 0, top: 0 }])
        .jpeg({ quality: 85 })
        .toBuffer();
      await storage.put(storageKeys.target(MODEL, RATING, n), bytes);
    }
    await workspace.recordTargets(
      MODEL,
      RATING,
      Array.from({ length: units }, (_, i) => ({
        n: i + 1,
        origin: 'samples/astronaut.png (a corner block coloured per target)',
        rightsStatement: 'public domain (NASA)',
      })),
    );
  } finally {
    await workspace.close();
    await storage.close();
  }
}

/** The model's status through the Studio's read-only view (a studio without adapters pays nothing). */
async function readStatus(root: string): Promise<ModelStatus> {
  const storage = new LocalStorage({ root });
  const workspace = await openWorkspace({ root, storage });
  const studio = createStudio({ workspace });
  try {
    return await studio.status(MODEL);
  } finally {
    await studio.close();
    await workspace.close();
    await storage.close();
  }
}

/** Faults injected so far, by kind, from the sandbox's request log. */
async function faultCounts(url: string): Promise<Record<string, number>> {
  const response = await fetch(`${url}/__sandbox/requests`);
  const { requests } = (await response.json()) as { requests: { fault?: string; route: string }[] };
  const counts: Record<string, number> = {};
  for (const { fault, route } of requests) {
    if (!fault) continue;
    const name = fault.startsWith('drop-') ? `${fault} ${route}` : fault;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

async function billing(url: string): Promise<StormCharge[]> {
  const response = await fetch(`${url}/__sandbox/billing`);
  return ((await response.json()) as { charges: StormCharge[] }).charges;
}

/** Runs resuming runners, killing `kills` of them at seeded moments, until one finishes. Returns the kills made. */
async function killAndResume(
  options: ChaosStormOptions,
  sandboxUrl: string,
  root: string,
  log: (line: string) => void,
): Promise<number> {
  const random = seededRandom(options.seed);
  const window = options.killWindowMs ?? { min: 800, max: 5000 };
  const config = { root, model: MODEL, sandboxUrl, concurrency: options.concurrency ?? 8 };
  let kills = 0;
  for (;;) {
    const child = spawnTs('studio-runner.ts', { RUNNER_CONFIG: JSON.stringify(config) });
    const output = collectLines(child);
    const killing = kills < options.kills;
    const moment = Math.round(window.min + random() * (window.max - window.min));
    let timer: NodeJS.Timeout | undefined;
    const ready = setInterval(() => {
      if (!killing || timer || !output.lines.some((line) => line.type === 'ready')) return;
      timer = setTimeout(() => child.kill('SIGKILL'), moment);
    }, 10);
    // A runner that neither finishes nor is killed in time is stuck: stop it and say so (below).
    let stuck = false;
    const guard = setTimeout(() => {
      stuck = true;
      child.kill('SIGTERM');
    }, runnerTimeoutMs);
    const { code, signal } = await exited(child);
    clearInterval(ready);
    clearTimeout(timer);
    clearTimeout(guard);
    if (stuck) throw new Error(`a runner did not finish in ${runnerTimeoutMs / 1000} s:\n${output.stderr()}`);
    const ended = output.lines.filter((line) => line.type === 'unit-end').length;
    if (signal === 'SIGKILL') {
      kills++;
      log(`runner ${kills} killed (SIGKILL) ${moment} ms after it was ready; ${ended} unit(s) ended in it`);
      continue;
    }
    if (code !== 0) throw new Error(`the runner exited with ${code} (signal ${signal}):\n${output.stderr()}`);
    const summary = output.lines.find((line) => line.type === 'summary')?.summary as { outcome?: string } | undefined;
    log(`runner ${kills + 1} finished (${summary?.outcome ?? 'no summary'}); ${ended} unit(s) ended in it`);
    return kills;
  }
}

/** Maps each sandbox charge's job id to the stage it paid for, from its inputs (a charge matching none is left out). */
async function stagesOfCharges(root: string, units: number, charges: StormCharge[]): Promise<Map<string, string>> {
  const byTarget = new Map<string, string>();
  const bySwapped = new Map<string, string>();
  for (let target = 1; target <= units; target++) {
    const parts = { model: MODEL, source: 1, target, rating: RATING } as const;
    byTarget.set(`/${storageKeys.target(MODEL, RATING, target)}`, stageId({ ...parts, stage: 'swapped' }));
    const swapped = await readFile(join(root, storageKeys.result({ ...parts, stage: 'swapped' }))).catch(() => null);
    if (swapped) {
      const hash = `sha256:${sha256(swapped)}`;
      if (bySwapped.has(hash)) throw new Error(`two stored swap results have the same bytes (${hash})`);
      bySwapped.set(hash, stageId({ ...parts, stage: 'enhanced' }));
    }
  }
  const source = `/${storageKeys.source(MODEL, 1)}`;
  const stages = new Map<string, string>();
  for (const charge of charges) {
    const [first, ...rest] = charge.inputs.map((input) => (input.startsWith('/') ? decodeURIComponent(input) : input));
    const stage =
      charge.operation === 'swap'
        ? rest.every((path) => path === source)
          ? byTarget.get(first ?? '')
          : undefined
        : bySwapped.get(first ?? '');
    if (stage) stages.set(charge.jobId, stage);
  }
  return stages;
}

/** Charges per stage. */
function chargesPerStage(charges: StormCharge[], stages: Map<string, string>): Map<string, StormCharge[]> {
  const perStage = new Map<string, StormCharge[]>();
  for (const charge of charges) {
    const stage = stages.get(charge.jobId);
    if (stage) perStage.set(stage, [...(perStage.get(stage) ?? []), charge]);
  }
  return perStage;
}

/** The journal and ledger lines of a stage, for a report. */
async function recordsOf(root: string, stage: string): Promise<string> {
  const dir = join(root, 'models', MODEL);
  const journal = await readJsonLines<{ unitId?: string }>(join(dir, 'progress.jsonl'));
  const ledger = await readJsonLines<{ itemId?: string }>(join(dir, 'costs.jsonl'));
  const lines = [
    ...journal.filter((line) => line.unitId === stage).map((line) => `  journal ${JSON.stringify(line)}`),
    ...ledger.filter((line) => line.itemId === stage).map((line) => `  ledger  ${JSON.stringify(line)}`),
  ];
  return lines.join('\n');
}

/** How many times each unit's enhanced result is on disk, and any other file in the enhanced folder. */
async function enhancedFiles(root: string, units: number): Promise<ChaosStormResult['enhancedFiles']> {
  const parts = { model: MODEL, source: 1, rating: RATING, stage: 'enhanced' } as const;
  const folder = join(root, storageKeys.resultPrefix(parts));
  const names = (await readdir(folder).catch(() => [] as string[])).filter((name) => name.endsWith('.jpg'));
  const counts = new Map<string, number>();
  for (let target = 1; target <= units; target++) {
    const key = storageKeys.result({ ...parts, target });
    counts.set(key.slice(key.lastIndexOf('/') + 1), 0);
  }
  const unexpected: string[] = [];
  for (const name of names) {
    if (counts.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
    else unexpected.push(name);
  }
  return { counts, unexpected };
}

/**
 * Runs the storm (see the top of this file) and settles it through the CLI. Throws only when something outside the
 * promise under test breaks (a runner or CLI call that fails); the figures say whether the promise held.
 */
export async function runChaosStorm(options: ChaosStormOptions): Promise<ChaosStormResult> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  ensureCliBuilt();
  const root = await mkdtemp(join(options.dir ?? tmpdir(), 'studio-chaos-'));
  const rate = options.faultRate ?? 0.03;
  const cleanup = () => rm(root, { recursive: true, force: true });
  const sandbox = await startSandboxProcess({
    credits: 10_000_000,
    jobDurations: { swap: { pendingMs: 20, runningMs: 80 }, enhance: { pendingMs: 20, runningMs: 120 } },
    faults: stormFaultPlan(options.seed, rate),
  });
  try {
    await prepareWorkspace(root, options.units);
    const kills = await killAndResume(options, sandbox.url, root, log);

    // The storm passes (429s and 5xx go on: the client retries them), and the user settles from the provider's bill.
    const calm = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'PUT',
      body: JSON.stringify(stormFaultPlan(options.seed + 1, rate, false)),
    });
    if (!calm.ok) throw new Error(`setting the sandbox's faults failed: ${calm.status}`);
    const settling = performance.now();
    const before = await readStatus(root);
    const ledger = await readJsonLines<LedgerLine>(join(root, 'models', MODEL, 'costs.jsonl'));
    const knownJobs = new Set(ledger.flatMap((line) => (line.jobId ? [line.jobId] : [])));
    const charges = await billing(sandbox.url);
    const perStage = chargesPerStage(charges, await stagesOfCharges(root, options.units, charges));
    const attach: string[] = [];
    const notCharged: string[] = [];
    for (const stage of before.uncertain) {
      const unknown = (perStage.get(stage) ?? []).filter((charge) => !knownJobs.has(charge.jobId));
      if (unknown[0]) attach.push(`${stage}=${unknown[0].jobId}`);
      else notCharged.push(stage);
    }

    const env = cleanEnv({ MAXSTUDIO_BASE_URL: sandbox.url });
    const cli: ChaosStormResult['cli'] = [];
    const studio = async (args: string[], expected: number[] = [0]) => {
      const all = ['--json', '--workspace', root, ...args];
      const result = await runCli(all, { cwd: root, env });
      cli.push({ args: all, result });
      if (!expected.includes(result.code ?? -1)) {
        throw new Error(`studio ${all.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
      }
      return result;
    };
    // Other stages may still be uncertain during this resume: it then ends "incomplete" (exit 6).
    if (attach.length > 0)
      await studio(['--yes', 'resume', MODEL, ...attach.flatMap((spec) => ['--attach', spec])], [0, 6]);
    for (const stage of notCharged) await studio(['costs', 'settle', stage, '--not-charged']);
    await studio(['--yes', 'resume', MODEL]);
    const { status } = parseJson<{ status: ModelStatus }>(await studio(['status', MODEL]));
    const costs = parseJson<{
      summary: { totals: { unitOfAccount: string; actual: number; reserved: number; uncertain: number }[] };
    }>(await studio(['costs', MODEL]));
    const credits = costs.summary.totals.find((row) => row.unitOfAccount === 'credits') ?? {
      actual: 0,
      reserved: 0,
      uncertain: 0,
    };

    const finalCharges = await billing(sandbox.url);
    const finalStages = await stagesOfCharges(root, options.units, finalCharges);
    const twice = [...chargesPerStage(finalCharges, finalStages)].filter(([, list]) => list.length > 1);
    const unmatched = finalCharges.filter((charge) => !finalStages.has(charge.jobId));
    const evidence: string[] = [];
    for (const [stage, list] of twice) {
      const jobs = list.map((charge) => charge.jobId).join(', ');
      evidence.push(`${stage} charged ${list.length} times (jobs ${jobs}):\n${await recordsOf(root, stage)}`);
    }
    for (const charge of unmatched) evidence.push(`charge matching no stage: ${JSON.stringify(charge)}`);
    const billed = finalCharges.reduce((sum, charge) => sum + charge.credits, 0);
    const figures: StormFigures = {
      seed: options.seed,
      units: options.units,
      kills,
      uncertainOps: before.uncertain.length,
      attached: attach.length,
      settledNotCharged: notCharged.length,
      charges: finalCharges.length,
      paidTwice: twice.length,
      unmatchedCharges: unmatched.length,
      billed,
      ledgerActual: credits.actual,
      ledgerReserved: credits.reserved,
      ledgerUncertain: credits.uncertain,
      ledgerMinusBilling: credits.actual - billed,
      faults: await faultCounts(sandbox.url),
      wallMs: Math.round(performance.now() - started),
      settleMs: Math.round(performance.now() - settling),
    };
    const faults = Object.entries(figures.faults).map(([kind, count]) => `${count} ${kind}`);
    const summary =
      `chaos storm seed ${figures.seed}: ${figures.units} units, ${figures.kills} kills, ${figures.uncertainOps} uncertain ops ` +
      `(${figures.attached} attached, ${figures.settledNotCharged} settled not-charged), ${figures.charges} charges, ` +
      `paid twice ${figures.paidTwice}, unmatched charges ${figures.unmatchedCharges}, ledger minus billing ` +
      `${figures.ledgerMinusBilling} (actual ${figures.ledgerActual}, billed ${figures.billed}, reserved ` +
      `${figures.ledgerReserved}, uncertain ${figures.ledgerUncertain}); ${(figures.wallMs / 1000).toFixed(1)} s ` +
      `(settling ${(figures.settleMs / 1000).toFixed(1)} s); faults injected: ${faults.join(', ') || 'none'}`;
    const files = await enhancedFiles(root, options.units);
    return { figures, model: MODEL, root, status, enhancedFiles: files, cli, evidence, summary, cleanup };
  } catch (error) {
    if (!process.env.CHAOS_KEEP) await cleanup();
    throw error;
  } finally {
    await sandbox.stop();
  }
}

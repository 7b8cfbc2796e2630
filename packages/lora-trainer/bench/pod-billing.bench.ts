/**
 * Pod billing after training, per path, against the RunPod sandbox (emulated clock, `clockFactor` 20): how many
 * emulated seconds a pod keeps billing after its training ended (success, failure), or after the moment it had to
 * stop (timeout, abort, budget), or after it finished while our process had crashed (crash, then restart: the orphan
 * sweep keeps the journaled run and resume waits for it). The runner uses its defaults scaled to emulated time:
 * a poll every 15 s, a 10 s grace for a pod to delete itself. Goal: <= 30 s on every path.
 * Writes the key `billedAfterTrainingSeconds` (and `podBilling`) into bench/results/trainer.json, keeping other keys.
 * Run: pnpm --filter @model-studio/lora-trainer bench
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStorage } from '@model-studio/core';
import { pack } from 'tar-stream';
import { RunpodTrainer, type RunpodTrainerSettings, sweepOrphanPods } from '../src/runpod/index.js';
import { type RunpodSandbox, startRunpodSandbox } from '../src/testing/index.js';

const clockFactor = 20;
const goalSeconds = 30;
const resultsFile = fileURLToPath(new URL('./results/trainer.json', import.meta.url));
const datasetPrefix = 'models/bench/datasets/v1';
const config = { model_family: 'flux', model_type: 'lora', lora_rank: 4, max_train_steps: 10 };
const long = { ...config, max_train_steps: 100_000 };

async function datasetTar(): Promise<Uint8Array> {
  const archive = pack();
  archive.entry({ name: 'images/a.jpg' }, Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  archive.entry({ name: 'images/a.txt' }, 'photo of sar woman');
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

interface PathResult {
  /** Emulated seconds billed after the end (negative: stopped before the limit was reached). */
  billedAfterTrainingSeconds: number;
  podUsd: number;
  podBilledSeconds: number;
  outcome: string;
}

type Scenario = (
  sandbox: RunpodSandbox,
  make: (extra?: Partial<RunpodTrainerSettings>) => RunpodTrainer,
) => Promise<{ endAt: number; outcome: string }>;

const request = (runId: string, cfg: Record<string, unknown> = config) => ({
  model: 'bench',
  datasetPrefix,
  config: cfg,
  runId,
});
const outcomeOf = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message.slice(0, 80)}` : String(error);

const scenarios: Record<string, Scenario> = {
  success: async (sandbox, make) => {
    const trainer = make();
    await trainer.wait(await trainer.start(request('success')));
    return { endAt: sandbox.created.at(-1)!.trainingEndedAt!, outcome: 'completed' };
  },
  failure: async (sandbox, make) => {
    sandbox.injectPodFault({ kind: 'fails', atStep: 3 });
    const trainer = make();
    const outcome = await trainer.wait(await trainer.start(request('failure'))).then(() => 'completed?', outcomeOf);
    return { endAt: sandbox.created.at(-1)!.trainingEndedAt!, outcome };
  },
  timeout: async (_sandbox, make) => {
    const trainer = make({ maxDurationSeconds: 300 });
    const job = await trainer.start(request('timeout', long));
    const outcome = await trainer.wait(job).then(() => 'completed?', outcomeOf);
    return { endAt: Date.parse(job.createdAt!) + 300_000, outcome };
  },
  abort: async (sandbox, make) => {
    const trainer = make();
    const job = await trainer.start(request('abort', long));
    const controller = new AbortController();
    let endAt = 0;
    const outcome = await trainer
      .wait(job, {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'progress' && (event.progress.step ?? 0) >= 2 && !endAt) {
            endAt = sandbox.now();
            controller.abort(new Error('Ctrl-C'));
          }
        },
      })
      .then(() => 'completed?', outcomeOf);
    return { endAt, outcome };
  },
  budget: async (_sandbox, make) => {
    const budgetUsd = 0.05;
    const trainer = make({ budgetUsd });
    const job = await trainer.start(request('budget', long));
    const outcome = await trainer.wait(job).then(() => 'completed?', outcomeOf);
    return { endAt: Date.parse(job.createdAt!) + (budgetUsd / job.costPerHourUsd!) * 3_600_000, outcome };
  },
  'crash+sweep': async (sandbox, make) => {
    sandbox.injectPodFault({ kind: 'no-self-delete' });
    const job = await make().start(request('crash')); // the journal records job; then our process dies
    const restarted = make();
    await sweepOrphanPods({
      client: restarted.client,
      runState: (runId) => (runId === 'crash' ? 'running' : 'unknown'),
    });
    const outcome = await restarted.wait(job).then((p) => p.status, outcomeOf);
    return { endAt: sandbox.created.at(-1)!.trainingEndedAt!, outcome };
  },
};

async function runPath(name: string, scenario: Scenario, storage: LocalStorage): Promise<PathResult> {
  const sandbox = await startRunpodSandbox({ clockFactor, stepSeconds: 3 });
  try {
    const make = (extra: Partial<RunpodTrainerSettings> = {}) =>
      new RunpodTrainer({
        storage,
        baseUrl: sandbox.url,
        apiKey: sandbox.apiKey,
        allowLoopbackUrls: true,
        clock: sandbox.now,
        pollIntervalMs: 15_000 / clockFactor,
        sampleCount: 1,
        retry: { minDelayMs: 10, maxDelayMs: 100 },
        ...extra,
      });
    const { endAt, outcome } = await scenario(sandbox, make);
    const live = sandbox.livePods().length;
    if (live > 0) throw new Error(`${name}: ${live} pod(s) left running`);
    const record = sandbox.billing().at(-1)!;
    return {
      billedAfterTrainingSeconds: Math.round((record.terminatedAt! - endAt) / 100) / 10,
      podUsd: record.usd,
      podBilledSeconds: Math.round(record.billedSeconds),
      outcome,
    };
  } finally {
    await sandbox.close();
  }
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'pod-billing-bench-'));
  const storage = new LocalStorage({ root, signedUrls: {} });
  await storage.put(`${datasetPrefix}/dataset.tar`, await datasetTar());
  const results: Record<string, PathResult> = {};
  try {
    for (const [name, scenario] of Object.entries(scenarios)) {
      results[name] = await runPath(name, scenario, storage);
      const seconds = results[name].billedAfterTrainingSeconds;
      console.log(
        `${name.padEnd(12)} billed after training: ${String(seconds).padStart(6)} s (goal <= ${goalSeconds} s) ${seconds <= goalSeconds ? 'pass' : 'MISS'}   [sandbox pod: ${results[name].podBilledSeconds} s, $${results[name].podUsd}; ${results[name].outcome}]`,
      );
    }
  } finally {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  }
  const existing = JSON.parse(await readFile(resultsFile, 'utf8').catch(() => '{}'));
  await mkdir(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  existing.billedAfterTrainingSeconds = Object.fromEntries(
    Object.entries(results).map(([name, r]) => [name, r.billedAfterTrainingSeconds]),
  );
  existing.podBilling = {
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model },
    date: new Date().toISOString(),
    sandbox: true,
    clockFactor,
    goalSeconds,
    pollSeconds: 15,
    selfStopGraceSeconds: 10,
    paths: results,
  };
  await writeFile(resultsFile, `${JSON.stringify(existing, null, 2)}\n`);
}

main().catch((error) => {
  console.error('pod-billing bench could not measure:', error);
  process.exit(1);
});

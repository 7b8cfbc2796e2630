/**
 * The two engines as the sandbox trainer plays them: files written where the engine writes them in the pod's work
 * folder, console lines as the engine prints them, metrics as the start command uploads them. Nothing is trained.
 * @internal
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { aiToolkitConfigSchema } from '../ai-toolkit/ai-toolkit-config-schema.js';
import { aiToolkitFileNames, aiToolkitRunFacts } from '../ai-toolkit/ai-toolkit-outputs.js';
import { isModelFamily, type ModelFamily } from '../model-family.js';
import { podEnv, podOutputs } from '../runpod/pod-protocol.js';
import { sandboxLoraFile } from '../safetensors/sandbox-lora-file.js';
import type { SandboxPodIo } from './sandbox-pod-io.js';
import type { SandboxSampleSource } from './sandbox-sample-source.js';

/** What a play needs. @internal */
export interface SandboxPlay {
  io: SandboxPodIo;
  config: Record<string, unknown>;
  samples: SandboxSampleSource;
  /** Images in the dataset archive. */
  imageCount: number;
}

const lossAt = (step: number, steps: number) => Math.round((0.4 * Math.exp(-step / steps) + 0.05) * 10_000) / 10_000;

/** A small valid LoRA whose last bytes hold the step, so each checkpoint has its own hash. */
function checkpointBytes(family: ModelFamily, rank: number, step: number): Uint8Array {
  const lora = sandboxLoraFile({ family, rank });
  new DataView(lora.buffer, lora.byteOffset, lora.byteLength).setUint32(lora.byteLength - 4, step, true);
  return lora;
}

async function writeAt(root: string, file: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), bytes);
}

function faultAt(play: SandboxPlay): number | undefined {
  const raw = play.io.env.MS_SANDBOX_FAIL_AT_STEP;
  return raw ? Number(raw) : undefined;
}

/**
 * Uploads the metrics (and, for ai-toolkit, whose start command does so, the console) and finished outputs every
 * `MS_UPLOAD_INTERVAL` emulated seconds.
 */
function uploader(io: SandboxPodIo, withConsole: boolean): (seconds: number) => Promise<void> {
  const every = Number(io.env[podEnv.uploadInterval] ?? '60');
  let since = 0;
  return async (seconds) => {
    since += seconds;
    if (since < every) return;
    since = 0;
    if (withConsole) await io.uploadProgress();
    else await io.put(io.env[podEnv.putMetrics], io.metrics, 'metrics');
    await io.uploadOutputs();
  };
}

/** SimpleTuner: `Total optimization steps`, `training_metrics.jsonl`, `checkpoint-<N>/`, validation images. */
export async function playSimpleTuner(play: SandboxPlay): Promise<number> {
  const { io, config } = play;
  io.say('[sandbox] RunPod sandbox trainer playing SimpleTuner (no GPU, no SimpleTuner): outputs are placeholders');
  const family = config.model_family === 'sd1x' ? 'sd15' : config.model_family;
  const steps = Number(config.max_train_steps ?? io.env.MS_SANDBOX_DEFAULT_STEPS ?? 20);
  const rank = Number(config.lora_rank ?? 16);
  const stepSeconds = Number(io.env.MS_SANDBOX_STEP_SECONDS ?? '2');
  const finalUrls = (io.env[podEnv.putSamples] ?? '').split(' ').filter(Boolean);
  const perStep = Math.max(1, finalUrls.length || 2);
  const checkpointEvery = Number(config.checkpoint_step_interval ?? 0);
  const validationEvery = Number(config.validation_step_interval ?? 0);
  const tick = uploader(io, false);
  io.say(`Total optimization steps = ${steps}`);
  for (let step = 1; step <= steps; step++) {
    await io.sleep(stepSeconds);
    const failAt = faultAt(play);
    if (failAt !== undefined && step >= failAt) {
      await io.finish('failed', step, 'sandbox fault: the trainer failed (CUDA out of memory)');
      return 1;
    }
    const loss = lossAt(step, steps);
    io.metrics += `${JSON.stringify({ step, metrics: { train_loss: loss, learning_rate: config.learning_rate ?? 1e-4, epoch: 1 } })}\n`;
    io.say(`[sandbox] step ${step}/${steps} loss=${loss}`);
    if (checkpointEvery > 0 && step % checkpointEvery === 0 && step < steps) {
      const lora = checkpointBytes(isModelFamily(family) ? family : 'flux', rank, step);
      await writeAt(io.workDir, `output/checkpoint-${step}/${podOutputs.lora}`, lora);
    }
    if (validationEvery > 0 && step % validationEvery === 0 && step < steps) {
      for (let index = 0; index < perStep; index++)
        await writeAt(
          io.workDir,
          `output/validation_images/step-${step}-${index}.png`,
          play.samples.sample(step, index, 'png'),
        );
    }
    await tick(stepSeconds);
  }
  await io.put(io.env[podEnv.putLora], checkpointBytes(isModelFamily(family) ? family : 'flux', rank, steps), 'LoRA');
  for (const [index, url] of finalUrls.entries())
    await io.put(url, play.samples.sample(steps, index, 'png'), `sample ${index}`);
  await io.finish('completed', steps, 'Training run is complete (sandbox)');
  return 0;
}

const archFamily: Record<string, ModelFamily> = { flux: 'flux', sdxl: 'sdxl', sd1: 'sd15' };

/** Python's `{:.Ne}`: a two-digit exponent. */
const pyExp = (value: number, digits: number) => value.toExponential(digits).replace(/e([+-])(\d)$/, 'e$10$2');

/** ai-toolkit's training bar (tqdm, redrawn with `\r`), described by the job name. */
function bar(name: string, step: number, steps: number, stepSeconds: number, lr: number, loss: number): string {
  const clock = (s: number) =>
    `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(Math.round(s % 60)).padStart(2, '0')}`;
  const percent = String(Math.floor((step / steps) * 100)).padStart(3, ' ');
  const filled = '█'.repeat(Math.floor((step / steps) * 10)).padEnd(10, ' ');
  return `${name}: ${percent}%|${filled}| ${step}/${steps} [${clock(step * stepSeconds)}<${clock((steps - step) * stepSeconds)}, ${stepSeconds.toFixed(2)}s/it, lr: ${pyExp(lr, 1)} loss: ${pyExp(loss, 3)}]`;
}

/** ai-toolkit: `output/<name>/` with `<name>_<N>.safetensors`, `samples/<ms>__<N>_<i>.jpg`, its console lines. */
export async function playAiToolkit(play: SandboxPlay): Promise<number> {
  const { io } = play;
  const config = aiToolkitConfigSchema.parse(play.config);
  const facts = aiToolkitRunFacts(config);
  const job = config.config.process[0]!;
  const family = archFamily[job.model.arch] ?? 'flux';
  const dir = `output/${facts.name}`;
  const stepSeconds = Number(io.env.MS_SANDBOX_STEP_SECONDS ?? '2');
  const tick = uploader(io, true);
  const sampleSet = async (step: number) => {
    for (let prompt = 0; prompt < facts.prompts; prompt++) {
      const file = aiToolkitFileNames.sample(Date.now(), step, prompt);
      await writeAt(io.workDir, `${dir}/samples/${file}`, play.samples.sample(step, prompt, 'jpg'));
    }
  };
  io.say('[sandbox] RunPod sandbox trainer playing ai-toolkit (no GPU, no ai-toolkit): outputs are placeholders');
  io.say(`# Running job: ${facts.name}`);
  await writeAt(io.workDir, `${dir}/config.yaml`, JSON.stringify(config));
  io.say(`Dataset: ${job.datasets[0]?.folder_path}`);
  io.say(`Found ${play.imageCount} images`);
  for (const resolution of job.datasets[0]?.resolution ?? [])
    io.say(`${resolution}x${resolution}: ${play.imageCount} files`);
  io.say('Caching latents to disk');
  io.say('Generating baseline samples before training');
  await sampleSet(0);
  for (let step = 1; step <= facts.steps; step++) {
    await io.sleep(stepSeconds);
    const failAt = faultAt(play);
    if (failAt !== undefined && step >= failAt) {
      io.say('torch.OutOfMemoryError: CUDA out of memory (sandbox fault)');
      io.say('Result:\n - 0 completed jobs\n - 1 failure');
      await io.finish('failed', step, 'sandbox fault: exit 1');
      return 1;
    }
    const loss = lossAt(step, facts.steps);
    io.metrics += `${JSON.stringify({ step, metrics: { train_loss: loss, learning_rate: job.train.lr } })}\n`;
    io.redraw(bar(facts.name, step, facts.steps, stepSeconds, job.train.lr, loss));
    if (facts.checkpointSteps.includes(step)) {
      const file = `${dir}/${aiToolkitFileNames.checkpoint(facts.name, step)}`;
      io.say(`\nSaving at step ${step}`);
      await writeAt(io.workDir, file, checkpointBytes(family, facts.rank, step));
      io.say(`Saved checkpoint to /workspace/run/${file}`);
    }
    if (step < facts.steps && facts.sampleSteps.includes(step)) await sampleSet(step);
    await tick(stepSeconds);
  }
  await writeAt(
    io.workDir,
    `${dir}/${aiToolkitFileNames.final(facts.name)}`,
    checkpointBytes(family, facts.rank, facts.steps),
  );
  await sampleSet(facts.steps);
  io.say(`\nSaved to /workspace/run/${dir}/${aiToolkitFileNames.final(facts.name)}`);
  io.say('Result:\n - 1 completed job');
  const { readFile } = await import('node:fs/promises');
  await io.put(
    io.env[podEnv.putLora],
    await readFile(join(io.workDir, dir, aiToolkitFileNames.final(facts.name))),
    'LoRA',
  );
  await io.finish('completed', facts.steps, 'Training run is complete (sandbox)');
  return 0;
}

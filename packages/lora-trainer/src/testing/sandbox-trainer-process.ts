/**
 * The RunPod sandbox's "container": a node process that does what the pod's start command does, without a GPU or
 * SimpleTuner. It reads the same `MS_*` inputs, downloads the dataset archive from its signed GET URL, writes
 * `training_metrics.jsonl` for N steps (uploading it every `MS_UPLOAD_INTERVAL` emulated seconds), uploads a small
 * valid LoRA (`sandboxLoraFile`), sample PNGs, its log and `training_status.json`, then deletes its own pod with
 * the pod-scoped key. Everything it prints and uploads is labelled sandbox.
 * @internal
 */
import { isModelFamily, type ModelFamily } from '../model-family.js';
import { podEnv } from '../runpod/pod-protocol.js';
import { sandboxLoraFile } from '../safetensors/index.js';
import { sandboxPng } from './sandbox-png.js';

const env = process.env;
const factor = Number(env.MS_SANDBOX_CLOCK_FACTOR ?? '1');
const logLines: string[] = [];
let metrics = '';

function say(line: string): void {
  logLines.push(line);
  process.stdout.write(`${line}\n`);
}

const sleep = (emulatedSeconds: number) =>
  new Promise((resolve) => setTimeout(resolve, (emulatedSeconds * 1000) / factor));

async function put(url: string | undefined, body: Uint8Array | string, what: string): Promise<void> {
  if (!url) return;
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const response = await fetch(url, { method: 'PUT', body: new Blob([new Uint8Array(bytes)]) });
  if (!response.ok) say(`[sandbox] upload of ${what} failed: HTTP ${response.status}`);
}

function familyOf(config: Record<string, unknown>): ModelFamily {
  const family = config.model_family === 'sd1x' ? 'sd15' : config.model_family;
  return isModelFamily(family) ? family : 'flux';
}

async function finish(status: 'completed' | 'failed', step: number, message: string): Promise<void> {
  say(`[sandbox] training ${status} at step ${step}: ${message}`);
  await put(env[podEnv.putMetrics], metrics, 'metrics');
  await put(env[podEnv.putLog], `${logLines.join('\n')}\n`, 'log');
  await put(env[podEnv.putStatus], JSON.stringify({ status, last_step: step, message, sandbox: true }), 'status');
  if (env.MS_SANDBOX_SKIP_SELF_DELETE === '1') return;
  const response = await fetch(`${env[podEnv.apiBase]}/v2/pods/${env.RUNPOD_POD_ID}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${env.RUNPOD_API_KEY}` },
  });
  say(`[sandbox] self-delete: HTTP ${response.status}`);
}

async function train(): Promise<number> {
  say('[sandbox] RunPod sandbox trainer (no GPU, no SimpleTuner): outputs are placeholders');
  const config = JSON.parse(Buffer.from(env[podEnv.config] ?? '', 'base64').toString('utf8') || '{}');
  const dataset = await fetch(env[podEnv.datasetUrl] ?? 'http://invalid.invalid/');
  if (!dataset.ok) {
    await finish('failed', 0, `dataset download failed: HTTP ${dataset.status}`);
    return 1;
  }
  say(`[sandbox] dataset archive downloaded: ${(await dataset.arrayBuffer()).byteLength} bytes`);
  const steps = Number(config.max_train_steps ?? env.MS_SANDBOX_DEFAULT_STEPS ?? 20);
  const failAt = env.MS_SANDBOX_FAIL_AT_STEP ? Number(env.MS_SANDBOX_FAIL_AT_STEP) : undefined;
  const stepSeconds = Number(env.MS_SANDBOX_STEP_SECONDS ?? '2');
  const uploadEvery = Number(env[podEnv.uploadInterval] ?? '60');
  say(`Total optimization steps = ${steps}`);
  let sinceUpload = 0;
  for (let step = 1; step <= steps; step++) {
    await sleep(stepSeconds);
    if (failAt !== undefined && step >= failAt) {
      await finish('failed', step, 'sandbox fault: the trainer failed (CUDA out of memory)');
      return 1;
    }
    const loss = Math.round((0.4 * Math.exp(-step / steps) + 0.05) * 10_000) / 10_000;
    metrics += `${JSON.stringify({ step, metrics: { train_loss: loss, learning_rate: config.learning_rate ?? 1e-4, epoch: 1 } })}\n`;
    say(`[sandbox] step ${step}/${steps} loss=${loss}`);
    sinceUpload += stepSeconds;
    if (sinceUpload >= uploadEvery) {
      sinceUpload = 0;
      await put(env[podEnv.putMetrics], metrics, 'metrics');
    }
  }
  const lora = sandboxLoraFile({ family: familyOf(config), rank: Number(config.lora_rank ?? 16) });
  await put(env[podEnv.putLora], lora, 'LoRA');
  const samples = (env[podEnv.putSamples] ?? '').split(' ').filter(Boolean);
  for (const [index, url] of samples.entries()) await put(url, sandboxPng(index), `sample ${index}`);
  await finish('completed', steps, 'Training run is complete (sandbox)');
  return 0;
}

train().then(
  (code) => process.exit(code),
  async (error) => {
    say(`[sandbox] trainer crashed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);

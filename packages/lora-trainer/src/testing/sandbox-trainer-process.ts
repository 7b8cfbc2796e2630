/**
 * The RunPod sandbox's "container": a node process that does what the pod's start command does, without a GPU or a
 * training engine, playing the engine the config it receives is written for (`engineOfConfig`: a SimpleTuner
 * config.json, or an ai-toolkit YAML job). It reads the same `MS_*` inputs, downloads the dataset archive from its
 * signed GET URL, writes files where the engine writes them in a temporary work folder and prints the engine's
 * console lines, uploads metrics, console and the checkpoints and step samples of `MS_PUT_OUTPUTS` every
 * `MS_UPLOAD_INTERVAL` emulated seconds, then the LoRA (`sandboxLoraFile`), its status, and deletes its own pod with
 * the pod-scoped key. Everything it prints and uploads is labelled sandbox.
 *
 * Layout, per engine (under the job's output prefix, as `listCheckpoints` reads it): ai-toolkit
 * `<name>.safetensors`, `checkpoints/<name>_<N, 9 digits>.safetensors` every `save.save_every` steps,
 * `samples/<N, 9 digits>_<prompt>.jpg` at step 0, every `sample.sample_every` steps and the last;
 * SimpleTuner `pytorch_lora_weights.safetensors`, `checkpoints/checkpoint-<N>/pytorch_lora_weights.safetensors`
 * every `checkpoint_step_interval`, `samples/step-<N>-<i>.png` every `validation_step_interval`, and the final
 * `samples/sample-<i>.png`. With `MS_SANDBOX_SAMPLE_PEAK_STEP` (see `sandboxSampleScheduleFromEnv`) in the pod's env,
 * samples are the dataset's first image blended with noise, cleanest at that step.
 * @internal
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { parse } from 'yaml';
import { podEnv } from '../runpod/pod-protocol.js';
import { engineOfConfig } from '../training-engine.js';
import { playAiToolkit, playSimpleTuner } from './sandbox-engine-play.js';
import { SandboxPodIo } from './sandbox-pod-io.js';
import { SandboxSampleSource } from './sandbox-sample-source.js';

function decodeConfig(base64: string | undefined): Record<string, unknown> {
  const text = Buffer.from(base64 ?? '', 'base64').toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return parse(text) as Record<string, unknown>;
  }
}

async function archiveImages(bytes: Uint8Array): Promise<Uint8Array[]> {
  const images: Uint8Array[] = [];
  const extractor = extract();
  const done = (async () => {
    for await (const entry of extractor) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      if (/\.(jpe?g|png)$/i.test(entry.header.name)) images.push(new Uint8Array(Buffer.concat(chunks)));
    }
  })();
  extractor.end(Buffer.from(bytes));
  await done.catch(() => undefined);
  return images;
}

async function train(io: SandboxPodIo): Promise<number> {
  const config = decodeConfig(io.env[podEnv.config]);
  const dataset = await fetch(io.env[podEnv.datasetUrl] ?? 'http://invalid.invalid/');
  if (!dataset.ok) {
    await io.finish('failed', 0, `dataset download failed: HTTP ${dataset.status}`);
    return 1;
  }
  const bytes = new Uint8Array(await dataset.arrayBuffer());
  io.say(`[sandbox] dataset archive downloaded: ${bytes.byteLength} bytes`);
  const images = await archiveImages(bytes);
  const play = { io, config, samples: new SandboxSampleSource(io.env, images), imageCount: images.length };
  return engineOfConfig(config) === 'ai-toolkit' ? playAiToolkit(play) : playSimpleTuner(play);
}

async function main(): Promise<number> {
  const workDir = await mkdtemp(join(tmpdir(), 'runpod-sandbox-pod-'));
  const io = new SandboxPodIo(process.env, workDir);
  try {
    return await train(io);
  } catch (error) {
    io.say(`[sandbox] trainer crashed: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));

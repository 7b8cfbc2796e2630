import type { Storage, TrainingArtifact, TrainingArtifactKind } from '@model-studio/core';
import { NotFoundError } from '@model-studio/core';
import { type PodTrainingStatus, podOutputs } from './pod-protocol.js';
import { summarizeTrainingMetrics, type TrainingMetricsSummary } from './training-metrics.js';

/** Reads a key as text, or `undefined` when it does not exist (yet). */
export async function readText(storage: Storage, key: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const stream = await storage.get(key, { signal });
    return await new Response(stream).text();
  } catch (error) {
    if (NotFoundError.isInstance(error)) return undefined;
    throw error;
  }
}

/** The pod's `training_status.json`, when it uploaded one. */
export async function readPodStatus(
  storage: Storage,
  prefix: string,
  signal?: AbortSignal,
): Promise<PodTrainingStatus | undefined> {
  const text = await readText(storage, `${prefix}/${podOutputs.status}`, signal);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as PodTrainingStatus;
  } catch {
    return undefined;
  }
}

/** What the uploaded `training_metrics.jsonl` says so far. */
export async function readPodMetrics(
  storage: Storage,
  prefix: string,
  signal?: AbortSignal,
): Promise<TrainingMetricsSummary> {
  return summarizeTrainingMetrics((await readText(storage, `${prefix}/${podOutputs.metrics}`, signal)) ?? '');
}

/** What an output file is, from its name. */
export function artifactKind(name: string): TrainingArtifactKind {
  if (name.endsWith('.safetensors')) return name.startsWith(podOutputs.checkpoints) ? 'other' : 'lora';
  if (name === podOutputs.metrics || name === podOutputs.status) return 'metrics';
  if (name.startsWith('samples/')) return 'sample';
  if (name.endsWith('.log')) return 'log';
  if (name === podOutputs.config) return 'config';
  return 'other';
}

/** Names of the files under `prefix`, relative to it. */
export async function listOutputNames(storage: Storage, prefix: string, signal?: AbortSignal): Promise<string[]> {
  const names: string[] = [];
  for await (const info of storage.list({ prefix: `${prefix}/`, signal }))
    names.push(info.key.slice(prefix.length + 1));
  return names;
}

/**
 * Orders output names so the final LoRA comes before the checkpoints (readers that take the first `.safetensors`, such
 * as core's `TrainSummary.loraKey`, get the final one).
 */
export function finalLoraFirst(names: readonly string[]): string[] {
  const rank = (name: string) =>
    name.endsWith('.safetensors') ? (name.startsWith(podOutputs.checkpoints) ? 1 : 0) : 2;
  return [...names].sort((a, b) => rank(a) - rank(b));
}

/** Every output file under `prefix`, with its bytes (the final LoRA first). */
export async function readOutputs(storage: Storage, prefix: string, signal?: AbortSignal): Promise<TrainingArtifact[]> {
  const artifacts: TrainingArtifact[] = [];
  for (const name of finalLoraFirst(await listOutputNames(storage, prefix, signal))) {
    const key = `${prefix}/${name}`;
    const bytes = new Uint8Array(await new Response(await storage.get(key, { signal })).arrayBuffer());
    artifacts.push({ name, bytes, kind: artifactKind(name), key });
  }
  return artifacts;
}

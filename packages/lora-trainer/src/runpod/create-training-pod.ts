import { ProviderError, type Storage, ValidationError } from '@model-studio/core';
import { aiToolkitStartCommand } from '../ai-toolkit/ai-toolkit-start-command.js';
import { engineOfConfig } from '../training-engine.js';
import { podOutputPlan } from './pod-output-plan.js';
import { podEnv, podOutputs } from './pod-protocol.js';
import { podStartCommand } from './pod-start-command.js';
import type { RunpodClient } from './runpod-client.js';
import type { RunpodTrainerSettings } from './runpod-trainer-settings.js';
import type { RunpodPod } from './runpod-types.js';
import type { GpuCandidate } from './select-gpu.js';

/** What {@link createTrainingPod} needs for one run. */
export interface TrainingPodPlan {
  runId: string;
  podName: string;
  datasetKey: string;
  outputPrefix: string;
  /** The engine's config for the pod (SimpleTuner config.json or an ai-toolkit job config). */
  config: Record<string, unknown>;
  /** The config file's text as the engine reads it (JSON for SimpleTuner, YAML for ai-toolkit). @default JSON */
  configText?: string;
  candidates: GpuCandidate[];
}

async function sign(storage: Storage, key: string, method: 'GET' | 'PUT', expiresIn: number): Promise<string> {
  if (!storage.signedUrl) {
    throw new ValidationError(`Storage "${storage.provider}" cannot sign URLs; the pod needs signed GET/PUT URLs.`);
  }
  return storage.signedUrl(key, { method, expiresIn });
}

/** The pod's environment: signed URLs (valid for the longest run plus an hour), config, ids. */
async function podEnvironment(
  settings: RunpodTrainerSettings,
  client: RunpodClient,
  plan: TrainingPodPlan,
): Promise<Record<string, string>> {
  const storage = settings.storage;
  const expiresIn = (settings.maxDurationSeconds ?? 14_400) + 3600;
  const out = (name: string) => sign(storage, `${plan.outputPrefix}/${name}`, 'PUT', expiresIn);
  const outputPlan = podOutputPlan(plan.config, settings.sampleCount ?? 4);
  const samples: string[] = [];
  if (outputPlan.finalSamples)
    for (let index = 0; index < (settings.sampleCount ?? 4); index++) samples.push(await out(podOutputs.sample(index)));
  const outputs: string[] = [];
  for (const entry of outputPlan.outputs) outputs.push(`${entry.pattern}=${await out(entry.name)}`);
  const env: Record<string, string> = {
    ...settings.env,
    [podEnv.runId]: plan.runId,
    [podEnv.outputPrefix]: plan.outputPrefix,
    [podEnv.datasetUrl]: await sign(storage, plan.datasetKey, 'GET', expiresIn),
    [podEnv.config]: Buffer.from(plan.configText ?? JSON.stringify(plan.config)).toString('base64'),
    [podEnv.putLora]: await out(outputPlan.loraName),
    [podEnv.putMetrics]: await out(podOutputs.metrics),
    [podEnv.putStatus]: await out(podOutputs.status),
    [podEnv.putLog]: await out(podOutputs.log),
    [podEnv.putSamples]: samples.join(' '),
    [podEnv.putOutputs]: outputs.join(' '),
    [podEnv.uploadInterval]: String(settings.uploadIntervalSeconds ?? 60),
    [podEnv.apiBase]: client.baseUrl,
  };
  if (settings.hfToken) env.HF_TOKEN = settings.hfToken;
  return env;
}

/**
 * Creates the training pod, trying the GPU candidates in order (RunPod places one GPU type per call: a 400 or 403
 * moves on to the next candidate, a 402 stops). Never creates a second pod for a run: a pod already carrying the
 * run's name is returned as is, and after a lost response (5xx, network) the pod is looked up by name before the
 * same candidate is tried again.
 */
export async function createTrainingPod(
  settings: RunpodTrainerSettings,
  client: RunpodClient,
  plan: TrainingPodPlan,
  signal?: AbortSignal,
): Promise<{ pod: RunpodPod; candidate?: GpuCandidate }> {
  const existing = await client.findPodByName(plan.podName, { signal });
  if (existing) return { pod: existing };
  const env = await podEnvironment(settings, client, plan);
  let last: ProviderError | undefined;
  for (const candidate of plan.candidates) {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const pod = await client.createPod(
          {
            name: plan.podName,
            image: settings.image ?? 'runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404',
            gpu: { id: candidate.id, count: settings.gpu?.count ?? 1 },
            cloud: settings.gpu?.cloud ?? 'SECURE',
            disk: settings.diskGb ?? 120,
            env,
            ports: ['22/tcp'],
            args:
              engineOfConfig(plan.config) === 'ai-toolkit'
                ? aiToolkitStartCommand(settings.aiToolkit)
                : podStartCommand(settings.command),
          },
          { signal },
        );
        return { pod, candidate };
      } catch (error) {
        if (!ProviderError.isInstance(error)) throw error;
        last = error;
        if (error.reason === 'insufficient-credits' || error.status === 401 || error.status === 422) throw error;
        if (error.reason === 'input' || error.status === 403 || error.reason === 'rate-limited') break;
        const created = await client.findPodByName(plan.podName, { signal });
        if (created) return { pod: created, candidate };
      }
    }
  }
  throw new ProviderError(
    `RunPod could not place a pod on any of ${plan.candidates.length} GPU candidate(s) (${plan.candidates
      .map((c) => c.id)
      .join(
        ', ',
      )}): ${last?.providerMessage ?? 'no candidate'}. Allow more GPU types or the other cloud, or retry later.`,
    {
      provider: 'runpod',
      reason: 'input',
      isRetryable: true,
      status: last?.status,
      providerMessage: last?.providerMessage,
      cause: last,
    },
  );
}

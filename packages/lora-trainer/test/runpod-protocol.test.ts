import { describe, expect, it } from 'vitest';
import {
  parseConsoleLine,
  parseSimpleTunerWebhook,
  podStartCommand,
  StepPace,
  selectGpuCandidates,
  summarizeTrainingMetrics,
} from '../src/runpod/index.js';
import { sandboxGpuCatalog } from '../src/testing/index.js';

describe('RunPod runner building blocks', () => {
  it('orders GPU candidates by preference, then price; skips out-of-stock, small and too dear types', () => {
    const catalog = sandboxGpuCatalog();
    expect(selectGpuCandidates(catalog).map((gpu) => gpu.id)).toEqual([
      'NVIDIA RTX A5000',
      'NVIDIA GeForce RTX 4090',
      'NVIDIA L40S',
      'NVIDIA A100 80GB PCIe',
    ]);
    expect(
      selectGpuCandidates(catalog, { minMemoryGb: 40, cloud: 'COMMUNITY', maxPricePerHour: 1 }).map((gpu) => gpu.id),
    ).toEqual(['NVIDIA L40S']);
    expect(
      selectGpuCandidates(catalog, { ids: ['NVIDIA L40S', 'NVIDIA GeForce RTX 4090'] }).map((gpu) => gpu.id),
    ).toEqual(['NVIDIA L40S', 'NVIDIA GeForce RTX 4090']);
    expect(selectGpuCandidates(catalog, { count: 2 })[0]!.costPerHourUsd).toBe(0.54);
    expect(selectGpuCandidates(catalog, { ids: ['NVIDIA GeForce RTX 3090'] })).toEqual([]);
  });

  it('builds a start command that installs SimpleTuner, trains, uploads and deletes its own pod, holding no secret', () => {
    const command = podStartCommand();
    expect(command.startsWith("bash -c '")).toBe(true);
    for (const part of [
      'simpletuner[cuda]',
      '$MS_DATASET_URL',
      'simpletuner train',
      '$MS_PUT_LORA',
      'trap finish EXIT',
      '$RUNPOD_POD_ID',
      'Bearer $RUNPOD_API_KEY',
    ]) {
      expect(command).toContain(part);
    }
    expect(command).not.toMatch(/https?:\/\/127/);
  });

  it('reads metrics (skipping a torn last line), console bars and webhooks; estimates the time left', () => {
    const text =
      '{"step":1,"metrics":{"train_loss":0.5,"learning_rate":0.0001}}\n{"step":2,"metrics":{"train_loss":0.4}}\n{"step":3,"met';
    expect(summarizeTrainingMetrics(text)).toEqual({ step: 2, loss: 0.4, learningRate: 0.0001, lines: 2 });
    expect(parseConsoleLine('  Total optimization steps = 1000')).toEqual({ totalSteps: 1000 });
    expect(parseConsoleLine('Steps:  12%|#  | 120/1000 [01:02<07:40, 1.9it/s, step_loss=0.123]')).toEqual({
      step: 120,
      totalSteps: 1000,
      loss: 0.123,
    });
    expect(
      parseSimpleTunerWebhook({
        type: 'training.status',
        data: { progress: { current: 5, total: 10, eta_seconds: 30 } },
      }),
    ).toMatchObject({
      step: 5,
      totalSteps: 10,
      etaSeconds: 30,
    });
    expect(parseSimpleTunerWebhook({ type: 'notification', message: 'hi' })).toBeUndefined();
    const pace = new StepPace();
    pace.record(10, 0);
    pace.record(20, 10_000);
    expect(pace.eta(100)).toBe(80);
  });
});

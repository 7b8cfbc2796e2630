import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectLora } from '../src/safetensors/index.js';
import { datasetPrefix, type RunpodHarness, runpodHarness, testConfig } from './runpod-harness.js';

const request = { model: 'andie', datasetPrefix, config: testConfig };

describe('RunpodTrainer against the RunPod sandbox: the whole flow', () => {
  let h: RunpodHarness;
  beforeEach(async () => {
    h = await runpodHarness();
  });
  afterEach(() => h.close());

  it('creates a pod, trains, uploads the artifacts, terminates the pod and reports the cost', async () => {
    const trainer = h.trainer();
    await trainer.prepare(request);
    const estimate = await trainer.estimate();
    expect(estimate.gpu.id).toBe('NVIDIA RTX A5000');
    const job = await trainer.start({ ...request, runId: 'flow1' });
    expect(job.id).toBe(h.sandbox.created[0]!.id);
    expect(job.outputPrefix).toBe('models/andie/loras/flow1');
    expect(h.events[0]).toEqual({ type: 'job-start', job });

    const final = await trainer.wait(job);
    expect(final.status).toBe('completed');
    expect(final.step).toBe(12);
    expect(final.totalSteps).toBe(12);

    const pod = h.sandbox.created[0]!;
    expect(pod.request.name).toBe('model-studio-flow1');
    expect(pod.request.args).toContain("pip install --no-cache-dir '\"'\"'simpletuner[cuda]'\"'\"'");
    expect(pod.request.gpu).toEqual({ id: 'NVIDIA RTX A5000', count: 1 });
    expect(Object.values(pod.request.env ?? {}).join(' ')).not.toContain(h.sandbox.apiKey);
    expect(pod.logs.some((line) => line.line.includes('pod terminated by itself (pod-scoped key)'))).toBe(true);
    expect(h.sandbox.livePods()).toEqual([]);

    const progress = h.events.filter((event) => event.type === 'progress');
    expect(
      progress.some(
        (event) =>
          event.type === 'progress' && (event.progress.step ?? 0) > 0 && event.progress.etaSeconds !== undefined,
      ),
    ).toBe(true);
    expect(h.events.at(-1)).toMatchObject({ type: 'job-end', status: 'completed' });

    const artifacts = await trainer.fetchArtifacts(job);
    const byName = new Map(artifacts.map((artifact) => [artifact.name, artifact]));
    const lora = byName.get('pytorch_lora_weights.safetensors')!;
    expect(lora.kind).toBe('lora');
    expect(inspectLora(lora.bytes)).toMatchObject({ rank: 8, format: 'diffusers' });
    const metrics = new TextDecoder().decode(byName.get('training_metrics.jsonl')!.bytes).trim().split('\n');
    expect(metrics).toHaveLength(12);
    for (const name of ['samples/sample-0.png', 'samples/sample-1.png']) {
      expect(Array.from(byName.get(name)!.bytes.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
    }
    expect(new TextDecoder().decode(byName.get('train.log')!.bytes)).toContain('[sandbox]');
    expect(byName.get('config.json')!.kind).toBe('config');
    const podConfig = JSON.parse(new TextDecoder().decode(byName.get('config.json')!.bytes));
    expect(podConfig).toMatchObject({
      output_dir: 'output',
      data_backend_config: '/workspace/dataset/simpletuner/multidatabackend.json',
    });

    const cost = await trainer.cost(job);
    const billed = h.sandbox.billing()[0]!;
    expect(cost.final).toBe(true);
    expect(cost.usd).toBe(billed.usd);
    expect(cost.costPerHourUsd).toBe(0.27);
    const logs = await trainer.logs(job);
    expect(logs.some((line) => line.line.includes('Total optimization steps = 12'))).toBe(true);
  });

  it('terminates a successful pod that does not delete itself, after the grace period', async () => {
    h.sandbox.injectPodFault({ kind: 'no-self-delete' });
    const trainer = h.trainer({ selfStopGraceSeconds: 30 });
    const job = await trainer.start({ ...request, runId: 'grace' });
    expect((await trainer.wait(job)).status).toBe('completed');
    expect(h.sandbox.livePods()).toEqual([]);
    expect(h.sandbox.created[0]!.logs.some((line) => line.line.includes('terminated by the account key'))).toBe(true);
    expect(h.events.some((event) => event.type === 'machine-stop')).toBe(true);
  });
});

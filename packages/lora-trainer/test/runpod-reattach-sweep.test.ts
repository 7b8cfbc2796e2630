import { NotFoundError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepOrphanPods } from '../src/runpod/index.js';
import { datasetPrefix, type RunpodHarness, runpodHarness, testConfig } from './runpod-harness.js';

const request = { model: 'andie', datasetPrefix, config: testConfig };

describe('RunpodTrainer after our own crash', () => {
  let h: RunpodHarness;
  beforeEach(async () => {
    h = await runpodHarness();
  });
  afterEach(async () => {
    expect(h.sandbox.livePods()).toEqual([]);
    await h.close();
  });

  it('a fresh instance reattaches by pod id and finishes; starting the same run again never creates a second pod', async () => {
    const journal: string[] = [];
    const crashed = h.trainer();
    const started = await crashed.start({ ...request, runId: 'resume1' });
    journal.push(started.id); // the orchestrator journals the id before waiting; then the process dies

    const fresh = h.trainer();
    const again = await fresh.start({ ...request, runId: 'resume1' });
    expect(again.id).toBe(started.id);
    const job = await fresh.attach(journal[0]!);
    expect(job.outputPrefix).toBe('models/andie/loras/resume1');
    const final = await fresh.wait(job);
    expect(final.status).toBe('completed');
    expect(h.sandbox.created).toHaveLength(1);
    expect((await fresh.fetchArtifacts(job)).some((artifact) => artifact.kind === 'lora')).toBe(true);
  });

  it('a job that finished while nobody watched reads as completed from the journaled handle', async () => {
    const crashed = h.trainer();
    const job = await crashed.start({ ...request, runId: 'resume2' });
    for (let i = 0; i < 400 && h.sandbox.livePods().length > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    const fresh = h.trainer();
    await expect(fresh.attach(job.id)).rejects.toSatisfy((error: unknown) => NotFoundError.isInstance(error));
    expect((await fresh.wait(job)).status).toBe('completed');
    expect((await fresh.cost(job)).final).toBe(true);
    expect(h.sandbox.created).toHaveLength(1);
  });

  it('the orphan sweep terminates our pods whose run is finished or unknown, and keeps running ones and foreign pods', async () => {
    const trainer = h.trainer();
    const long = { ...request, config: { ...testConfig, max_train_steps: 100_000 } };
    const keep = await trainer.start({ ...long, runId: 'keep' });
    h.sandbox.injectPodFault({ kind: 'no-self-delete' });
    await trainer.start({ ...request, runId: 'done' });
    await trainer.start({ ...long, runId: 'lost' });
    const foreign = await fetch(`${h.sandbox.url}/v2/pods`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.sandbox.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'someone-elses-notebook', image: 'img', gpu: { id: 'NVIDIA L40S', count: 1 } }),
    });
    const foreignId = (await foreign.json()).id as string;

    const journal: Record<string, 'running' | 'finished'> = { keep: 'running', done: 'finished' };
    const swept = await sweepOrphanPods({ client: trainer.client, runState: (runId) => journal[runId] ?? 'unknown' });
    expect(
      swept
        .map(({ runId, state, terminated }) => ({ runId, state, terminated }))
        .sort((a, b) => a.runId.localeCompare(b.runId)),
    ).toEqual([
      { runId: 'done', state: 'finished', terminated: true },
      { runId: 'keep', state: 'running', terminated: false },
      { runId: 'lost', state: 'unknown', terminated: true },
    ]);
    expect(
      h.sandbox
        .livePods()
        .map((pod) => pod.id)
        .sort(),
    ).toEqual([keep.id, foreignId].sort());
    await trainer.cancel(keep);
    await trainer.cancel(keep);
    h.sandbox.livePod(foreignId)?.terminate('test cleanup');
  });
});

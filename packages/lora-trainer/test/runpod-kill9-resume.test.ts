import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStorage, type TrainingJob } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildAiToolkitConfig } from '../src/ai-toolkit/index.js';
import { type RunpodHarness, runpodHarness } from './runpod-harness.js';

/** Each engine's config for the crashed run (30 sandbox steps). */
const engineConfigs = {
  simpletuner: { model_family: 'flux', lora_rank: 4, max_train_steps: 30 },
  'ai-toolkit': buildAiToolkitConfig({
    family: 'flux',
    trigger: 'andie',
    overrides: { 'network.linear': 4, 'train.steps': 30, 'save.save_every': 10, 'sample.sample_every': 10 },
  }),
};

const runner = fileURLToPath(new URL('./fixtures/runpod-crash-runner.ts', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe.each(Object.entries(engineConfigs))(
  'RunPod runner (%s) killed with SIGKILL while waiting',
  (_engine, config) => {
    let h: RunpodHarness;
    let child: ChildProcess | undefined;
    beforeEach(async () => {
      h = await runpodHarness({ clockFactor: 20 });
    });
    afterEach(async () => {
      child?.kill('SIGKILL');
      expect(h.sandbox.livePods()).toEqual([]);
      await h.close();
    });

    it('resume in a fresh process reattaches to the journaled pod and finishes; one pod was created', async () => {
      const root = h.storage.root;
      const port = await freePort();
      const secret = randomBytes(24).toString('hex');
      const journal = join(root, 'journal.json');
      child = spawn(process.execPath, ['--import', 'tsx', runner], {
        env: {
          ...process.env,
          STORAGE_ROOT: root,
          SIGNED_URL_PORT: String(port),
          SIGNED_URL_SECRET: secret,
          SANDBOX_URL: h.sandbox.url,
          SANDBOX_KEY: h.sandbox.apiKey,
          JOURNAL_FILE: journal,
          TRAIN_CONFIG: JSON.stringify(config),
        },
        stdio: 'inherit',
      });
      let job: TrainingJob | undefined;
      for (let i = 0; i < 600 && !job; i++) {
        job = await readFile(journal, 'utf8').then(JSON.parse, () => undefined);
        if (!job) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(job?.id).toBe(h.sandbox.created[0]?.id);
      child.kill('SIGKILL');
      await new Promise((resolve) => child!.once('exit', resolve));
      child = undefined;

      // The restarted process: same storage root and URL signing settings, so the pod's signed URLs work again.
      const storage = new LocalStorage({ root, signedUrls: { port, secret } });
      await storage.signedUrl!('models/andie/datasets/v1/dataset.tar', { method: 'GET' });
      try {
        const trainer = h.trainer({ storage });
        const final = await trainer.wait(job!);
        expect(final.status).toBe('completed');
        expect(h.sandbox.created).toHaveLength(1);
        const lora = (await trainer.fetchArtifacts(job!)).find((artifact) => artifact.kind === 'lora');
        expect(lora?.bytes.byteLength).toBeGreaterThan(8);
      } finally {
        await storage.close();
      }
    });
  },
);

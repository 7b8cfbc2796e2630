import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  ensureCliBuilt,
  parseJson,
  runAndInterrupt,
  runCli,
  type SandboxProcess,
  samplesDir,
  startSandboxProcess,
} from './helpers/cli-process.js';

const apiKey = 'sandbox-interrupt-key';

describe('Ctrl-C during a run, then resume', () => {
  let dir: string;
  let sandbox: SandboxProcess;
  let env: NodeJS.ProcessEnv;
  const studio = (...args: string[]) => runCli(args, { cwd: dir, env });

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-stop-'));
    sandbox = await startSandboxProcess({ apiKey, jobMs: 800 });
    env = cleanEnv({ MAXSTUDIO_BASE_URL: sandbox.url, MAXSTUDIO_API_KEY: apiKey, STUDIO_WORKSPACE: join(dir, 'ws') });
    for (const args of [
      ['models', 'create', 'stop', '--min-short-side', '512'],
      [
        'consent',
        'set',
        'stop',
        '--subject',
        'Stop Subject',
        '--adult',
        '--attested-by',
        'operator',
        '--evidence',
        'doc-stop',
      ],
      ['sources', 'add', 'stop', join(samplesDir, 'grace_hopper.jpg')],
      [
        'targets',
        'add',
        'stop',
        join(samplesDir, 'targets'),
        '--rating',
        'sfw',
        '--origin',
        'samples',
        '--rights',
        'public domain',
      ],
    ]) {
      const result = await studio(...args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
  }, 120_000);

  afterAll(async () => {
    await sandbox?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stops cleanly with exit 130 and a resume hint; resume finishes without paying twice', async () => {
    const stopped = await runAndInterrupt(['--yes', '--concurrency', '1', 'run', 'stop'], dir, env);
    expect(stopped.code, stopped.stdout + stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/Stopping: nothing new is submitted/);
    expect(stopped.stdout + stopped.stderr).toMatch(/studio resume stop/);
    const units = Number(/Processing (\d+) unit/.exec(stopped.stdout)![1]);
    expect(units).toBeGreaterThan(1);

    const status = parseJson<{ status: { done: string[]; uncertain: string[] } }>(
      await studio('--json', 'status', 'stop'),
    );
    expect(status.status.done.length).toBeLessThan(units * 2);
    expect(status.status.uncertain).toEqual([]);

    const resumed = await studio('--json', '--yes', 'resume', 'stop');
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = parseJson<{ summary: { skipped: number; total: number }; verified: string }>(resumed);
    expect(result.summary.skipped).toBeGreaterThanOrEqual(1);
    expect(result.verified).toBe(`${units}/${units} units verified`);
    const charges = (await sandbox.billing()).charges;
    expect(charges.filter((charge) => charge.operation === 'swap')).toHaveLength(units);
    expect(charges.filter((charge) => charge.operation === 'enhance')).toHaveLength(units);
  });
});

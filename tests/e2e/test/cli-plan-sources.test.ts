/**
 * The built `studio` command asked for sources and targets a model does not have: refused before anything is
 * journaled or paid, and the model's journal keeps working (`resume` still runs).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cleanEnv, ensureCliBuilt, parseJson, runCli } from './helpers/cli-process.js';

describe('studio run --sources/--targets with numbers the model does not have', () => {
  let dir: string;
  let workspace: string;
  const studio = (...args: string[]): Promise<CliResult> =>
    runCli(args, { cwd: dir, env: cleanEnv({ STUDIO_WORKSPACE: workspace }) });
  const journal = () => readFile(join(workspace, 'models/demo/progress.jsonl'), 'utf8');

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-plan-'));
    workspace = join(dir, 'ws');
    // The demo creates model "demo" with one source and the sfw targets that pass the face check, and runs it.
    const demo = await studio('demo');
    expect(demo.code, demo.stdout + demo.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses source 9 (the demo model has only source 1) with exit 2, before anything about it is journaled', async () => {
    const before = await journal();
    const refused = await studio('--yes', '--sandbox', 'run', 'demo', '--sources', '9');
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain('Model "demo" has no source 9 (its sources: 1).');
    expect(refused.stderr).toContain('`studio sources add demo <files>`');
    expect(refused.stdout).not.toMatch(/Estimated cost/);
    const after = await journal();
    expect(after).toBe(before);
    expect(after).not.toContain('demo:s9');
  }, 60_000);

  it('refuses a target the rating does not have in estimates too (exit 2, --json error)', async () => {
    const refused = await studio('--json', 'estimate', 'demo', '--targets', '1,7');
    expect(refused.code).toBe(2);
    expect(parseJson<{ error: { code: string; message: string } }>(refused).error).toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/^Model "demo" has no sfw target 7 \(its sfw targets: 1-\d\)\./),
    });
  }, 60_000);

  it('resume still works afterwards and status counts only the units that exist', async () => {
    const resumed = await studio('--json', '--yes', '--sandbox', 'resume', 'demo');
    expect(resumed.code, resumed.stderr).toBe(0);
    const { summary, verified } = parseJson<{
      summary: { total: number; skipped: number; failed: unknown[] };
      verified: string;
    }>(resumed);
    expect(summary.total).toBeGreaterThan(0);
    expect(summary).toMatchObject({ skipped: summary.total, failed: [] });
    expect(verified).toBe(`${summary.total}/${summary.total} units verified`);
    const status = await studio('status', 'demo');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`Status of model "demo": ${summary.total} of ${summary.total} unit(s) complete`);
  }, 60_000);
});

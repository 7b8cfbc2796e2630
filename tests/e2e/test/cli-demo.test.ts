import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cleanEnv, ensureCliBuilt, parseJson, runCli } from './helpers/cli-process.js';
import { actualTotals, type LedgerLine, listFiles, readJsonLines, resultPath } from './helpers/cli-workspace.js';

describe('studio demo (built CLI, no keys, no terminal)', () => {
  let dir: string;
  let demo: CliResult;

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-demo-'));
    demo = await runCli(['demo'], { cwd: dir, env: cleanEnv() });
  }, 180_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 and labels every screen SANDBOX', () => {
    expect(demo.code, demo.stderr + demo.stdout).toBe(0);
    const lines = demo.stdout.split('\n');
    expect(lines[0]).toMatch(/SANDBOX/);
    expect(demo.stdout).toMatch(/\[SANDBOX\] Summary for model "demo"/);
    expect(demo.stdout).toMatch(/SANDBOX run: results carry a visible SANDBOX mark/);
  });

  it('goes on to a dataset and a LoRA trained on the RunPod sandbox, and says where the LoRA is and its size', async () => {
    expect(demo.stdout).toMatch(/captions are accepted unreviewed/);
    expect(demo.stdout).toMatch(/Dataset v1 of "demo": \d+ image\(s\) selected/);
    expect(demo.stdout).toMatch(/step \d+\/12/);
    const lora = /LoRA version v1 \(a SANDBOX file, not a trained model\): (\S+) \((\d+) bytes\)/.exec(demo.stdout);
    expect(lora, demo.stdout).not.toBeNull();
    expect((await stat(lora![1]!)).size).toBe(Number(lora![2]));
    expect(lora![1]).toBe(
      join(dir, 'studio-workspace', 'models', 'demo', 'loras', 'v1', 'pytorch_lora_weights.safetensors'),
    );
  });

  it('shows the face check, the estimate, the minimum side note and N/N units verified', async () => {
    const faceLine = /Face detected in (\d+)\/(\d+) targets/.exec(demo.stdout);
    expect(faceLine, demo.stdout).not.toBeNull();
    const [, withFace, checked] = faceLine!.map(Number);
    expect(checked).toBe(4);
    expect(withFace).toBeLessThan(checked!);
    expect(demo.stdout).toMatch(/coffee\.jpg: .*face/i);
    expect(demo.stdout).toMatch(/Estimated cost: \d+ credits/);
    expect(demo.stdout).toMatch(/shortest side of 512 px \(the default is 800 px\)/);
    const verified = /(\d+)\/(\d+) units verified/.exec(demo.stdout);
    expect(verified, demo.stdout).not.toBeNull();
    expect(verified![1]).toBe(verified![2]);
    expect(Number(verified![2])).toBe(withFace);
    expect(demo.stdout).toMatch(/Credits used: \d+ credits \(sandbox credits, nothing paid\)/);
    expect(demo.stdout).toMatch(/price table/);
  });

  it('stores sources, targets and results under the naming rules, marked as AI-generated', async () => {
    const workspace = join(dir, 'studio-workspace');
    const files = await listFiles(workspace);
    expect(files).toContain('models.json');
    expect(files).toContain('models/demo/config.json');
    expect(files).toContain('models/demo/source/demo-source-1.jpg');
    const targets = files.filter((file) => file.startsWith('models/demo/targets/'));
    expect(targets.every((file) => /^models\/demo\/targets\/sfw\/demo-t\d{3}\.jpg$/.test(file))).toBe(true);
    // Results are images; the demo's training captions are `.txt` files beside the enhanced ones.
    const results = files.filter((file) => file.startsWith('models/demo/results/') && !file.endsWith('.txt'));
    for (const file of results) expect(file).toMatch(resultPath);
    const captions = files.filter((file) => file.startsWith('models/demo/results/') && file.endsWith('.txt'));
    expect(captions).toHaveLength(targets.length);
    const enhanced = results.filter((file) => file.includes('/enhanced/'));
    expect(enhanced).toHaveLength(targets.length);
    expect(results.filter((file) => file.includes('/swapped/'))).toHaveLength(targets.length);
    const bytes = await readFile(join(workspace, enhanced[0]!));
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(bytes.toString('latin1')).toContain('compositeWithTrainedAlgorithmicMedia');
    const config = JSON.parse(await readFile(join(workspace, 'models/demo/config.json'), 'utf8'));
    expect(config.settings.thresholds.minShortSide).toBe(512);
    expect(config.consent.subject).toMatch(/DEMO/);
    expect(config.consent.evidenceRef).toMatch(/DEMO/);
  });

  it('keeps a journal and a ledger that agree with the summary and status', async () => {
    const workspace = join(dir, 'studio-workspace');
    const journal = await readJsonLines(join(workspace, 'models/demo/progress.jsonl'));
    expect(journal.length).toBeGreaterThan(0);
    const ledger = await readJsonLines<LedgerLine>(join(workspace, 'models/demo/costs.jsonl'));
    const actual = ledger.filter((entry) => entry.kind === 'actual');
    const units = Number(/(\d+)\/\d+ units verified/.exec(demo.stdout)![1]);
    expect(actual.filter((entry) => entry.op === 'swap')).toHaveLength(units);
    expect(actual.filter((entry) => entry.op === 'enhance')).toHaveLength(units);
    const spent = Number(/Credits used: (\d+) credits/.exec(demo.stdout)![1]);
    // Training on the RunPod sandbox is ledgered in USD (sandbox dollars: nothing paid), once.
    const totals = actualTotals(ledger);
    expect(totals.credits).toBe(spent);
    expect(totals.USD).toBeGreaterThan(0);
    expect(ledger.filter((entry) => entry.kind === 'actual' && entry.op === 'train')).toHaveLength(1);

    const status = parseJson<{ status: { done: string[]; pending: string[]; failed: unknown[] } }>(
      await runCli(['--json', 'status', 'demo'], { cwd: dir }),
    );
    // Per unit a swap, an enhance and a caption; then the model's dataset and training stages.
    const stages = units * 3 + 2;
    expect(status.status.done).toHaveLength(stages);
    expect(status.status.done).toEqual(expect.arrayContaining(['demo:dataset:v1', 'demo:train:v1']));
    expect(status.status.pending).toEqual([]);
    // The same for a person: units first (as the summary counts them), then the stages.
    const text = await runCli(['status', 'demo'], { cwd: dir });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Status of model "demo": ${units} of ${units} unit(s) complete`);
    expect(text.stdout).toContain(`Stages (${stages}:`);
    expect(text.stdout).toMatch(new RegExp(`Done: ${stages}\\n\\s+Pending: 0\\n`));
    const costs = await runCli(['--json', 'costs', 'demo'], { cwd: dir });
    expect(costs.code, costs.stderr).toBe(0);
    const summary = parseJson<{ summary: { totals: { unitOfAccount: string; actual: number }[]; note?: string } }>(
      costs,
    );
    expect(summary.summary.totals).toEqual(
      expect.arrayContaining([expect.objectContaining({ unitOfAccount: 'credits', actual: spent })]),
    );
    expect(summary.summary.note).toMatch(/price/);
  });
});

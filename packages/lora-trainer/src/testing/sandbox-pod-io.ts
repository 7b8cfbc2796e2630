/**
 * What the sandbox trainer process does in place of a pod's start command: its console, the uploads to the signed
 * PUT URLs of `podEnv` (including the `MS_PUT_OUTPUTS` patterns, matched in a local work folder as the start
 * commands match them on a pod) and the pod's self-delete. @internal
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { matchesPodPattern } from '../runpod/pod-output-plan.js';
import { podEnv } from '../runpod/pod-protocol.js';

/** The sandbox "pod": its env, work folder, console and uploads. @internal */
export class SandboxPodIo {
  readonly env: NodeJS.ProcessEnv;
  /** The local folder standing for the pod's work folder. */
  readonly workDir: string;
  readonly factor: number;
  /** The console as written (with tqdm's `\r` redraws); uploaded as `train.log`. */
  console = '';
  /** `training_metrics.jsonl` so far. */
  metrics = '';
  readonly #uploaded = new Set<string>();

  constructor(env: NodeJS.ProcessEnv, workDir: string) {
    this.env = env;
    this.workDir = workDir;
    this.factor = Number(env.MS_SANDBOX_CLOCK_FACTOR ?? '1');
  }

  /** Prints a console line. */
  say(line: string): void {
    this.console += `${line}\n`;
    process.stdout.write(`${line}\n`);
  }

  /** A tqdm redraw: `\r` + the bar in the console (as tqdm writes it), one line on the pod's log stream. */
  redraw(bar: string): void {
    this.console += `\r${bar}`;
    process.stdout.write(`${bar}\n`);
  }

  /** Sleeps emulated seconds. */
  sleep(emulatedSeconds: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, (emulatedSeconds * 1000) / this.factor));
  }

  /**
   * PUTs bytes to a signed URL (no URL: nothing), retrying like the start command's `curl --retry 5`; a failure is
   * printed, never thrown (the pod keeps training, as `put ... || echo "upload failed"` does on a pod).
   */
  async put(url: string | undefined, body: Uint8Array | string, what: string): Promise<boolean> {
    if (!url) return false;
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    let problem = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const response = await fetch(url, { method: 'PUT', body: new Blob([new Uint8Array(bytes)]) });
        if (response.ok) return true;
        problem = `HTTP ${response.status}`;
        if (response.status < 500) break;
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
    }
    this.say(`[sandbox] upload of ${what} failed: ${problem}`);
    return false;
  }

  /** Uploads the metrics and the console. */
  async uploadProgress(): Promise<void> {
    await this.put(this.env[podEnv.putMetrics], this.metrics, 'metrics');
    await this.put(this.env[podEnv.putLog], this.console, 'log');
  }

  /** Uploads each work-folder file matching a pattern of `MS_PUT_OUTPUTS` once (checkpoints and step samples). */
  async uploadOutputs(): Promise<void> {
    const pairs = (this.env[podEnv.putOutputs] ?? '').split(' ').filter(Boolean);
    if (pairs.length === 0) return;
    const files = await listFiles(this.workDir);
    for (const pair of pairs) {
      const at = pair.indexOf('=');
      const pattern = pair.slice(0, at);
      for (const file of files) {
        if (this.#uploaded.has(file) || !matchesPodPattern(pattern, file)) continue;
        if (await this.put(pair.slice(at + 1), await readFile(join(this.workDir, file)), file))
          this.#uploaded.add(file);
      }
    }
  }

  /** Uploads what is left and the final status, then deletes the pod (unless a fault says not to). */
  async finish(status: 'completed' | 'failed', step: number, message: string): Promise<void> {
    this.say(`[sandbox] training ${status} at step ${step}: ${message}`);
    await this.uploadOutputs();
    await this.uploadProgress();
    const body = JSON.stringify({ status, last_step: step, message, sandbox: true });
    await this.put(this.env[podEnv.putStatus], body, 'status');
    if (this.env.MS_SANDBOX_SKIP_SELF_DELETE === '1') return;
    const response = await fetch(`${this.env[podEnv.apiBase]}/v2/pods/${this.env.RUNPOD_POD_ID}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${this.env.RUNPOD_API_KEY}` },
    });
    this.say(`[sandbox] self-delete: HTTP ${response.status}`);
  }
}

async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if ((await stat(path)).isFile()) found.push(relative(root, path));
    }
  }
  await walk(root);
  return found.sort();
}

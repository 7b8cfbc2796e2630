import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { RunpodCreatePodRequest, RunpodPod } from '../runpod/runpod-types.js';
import type { SandboxPodFault } from './sandbox-options.js';

/** What a sandbox pod needs from its sandbox. @internal */
export interface SandboxPodHost {
  now(): number;
  clockFactor: number;
  provisionSeconds: number;
  startSeconds: number;
  stepSeconds: number;
  defaultSteps: number;
}

/** One line of a pod's log. */
export interface SandboxLogLine {
  ts: string;
  source: 'container' | 'system';
  line: string;
}

/** The script of the sandbox trainer: TypeScript under tests (run with tsx), JavaScript in the built package. */
function trainerScript(): { file: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(
    new URL(fromSource ? './sandbox-trainer-process.ts' : './sandbox-trainer-process.js', import.meta.url),
  );
  return { file, execArgv: fromSource ? ['--import', 'tsx'] : [] };
}

/**
 * A pod of the RunPod sandbox: PROVISIONING, STARTING, then RUNNING with the sandbox trainer as a node child process
 * in place of the container (the start command is kept, never run). Times are emulated; billing runs from creation
 * until termination at `costPerHour`. A container that exits without deleting its pod is "restarted" by RunPod:
 * the pod stays RUNNING and keeps billing, as on the real service. @internal
 */
export class SandboxPod {
  /** The pod id. */
  readonly id: string;
  /** The pod-scoped API key its process gets as RUNPOD_API_KEY (reaches only this pod). */
  readonly podKey: string;
  /** The create request as received. */
  readonly request: RunpodCreatePodRequest;
  /** USD per hour. */
  readonly costPerHour: number;
  /** Creation time, emulated ms since the epoch. */
  readonly createdAt: number;
  /** Its container and system log lines. */
  readonly logs: SandboxLogLine[] = [];
  /** Lifecycle status. */
  status: RunpodPod['status'] = 'PROVISIONING';
  /** When the container started, emulated ms. */
  startedAt: number | undefined;
  /** When it was terminated, emulated ms. */
  terminatedAt: number | undefined;
  /** When the trainer stopped (finished, failed or died), emulated ms. */
  trainingEndedAt: number | undefined;
  /** The trainer process's exit code, once it exited. */
  exitCode: number | null | undefined;
  readonly #host: SandboxPodHost;
  readonly #fault: SandboxPodFault | undefined;
  readonly #timers = new Set<NodeJS.Timeout>();
  #child: ChildProcess | undefined;

  constructor(host: SandboxPodHost, request: RunpodCreatePodRequest, costPerHour: number, fault?: SandboxPodFault) {
    this.#host = host;
    this.id = `sbx${randomBytes(6).toString('hex')}`;
    this.podKey = `sandbox-pod-${this.id}-${randomBytes(12).toString('hex')}`;
    this.request = request;
    this.costPerHour = costPerHour;
    this.#fault = fault;
    this.createdAt = host.now();
    this.log('system', `[sandbox] pod ${this.id} created (${request.gpu?.id ?? 'cpu'}); provisioning`);
    if (fault?.kind === 'stuck-provisioning') return;
    this.#after(host.provisionSeconds, () => {
      this.status = 'STARTING';
      this.log('system', '[sandbox] image pulled; starting container');
      this.#after(host.startSeconds, () => this.#run());
    });
  }

  /** Appends a log line stamped with emulated time. */
  log(source: SandboxLogLine['source'], line: string): void {
    this.logs.push({ ts: new Date(this.#host.now()).toISOString(), source, line });
  }

  #after(emulatedSeconds: number, action: () => void): void {
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        if (this.status !== 'TERMINATED') action();
      },
      (emulatedSeconds * 1000) / this.#host.clockFactor,
    );
    this.#timers.add(timer);
  }

  #run(): void {
    this.status = 'RUNNING';
    this.startedAt = this.#host.now();
    const host = this.#host;
    const { file, execArgv } = trainerScript();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      ...this.request.env,
      RUNPOD_POD_ID: this.id,
      RUNPOD_API_KEY: this.podKey,
      MS_SANDBOX_CLOCK_FACTOR: String(host.clockFactor),
      MS_SANDBOX_STEP_SECONDS: String(host.stepSeconds),
      MS_SANDBOX_DEFAULT_STEPS: String(host.defaultSteps),
    };
    if (this.#fault?.kind === 'fails') env.MS_SANDBOX_FAIL_AT_STEP = String(this.#fault.atStep);
    if (this.#fault?.kind === 'fails' || this.#fault?.kind === 'no-self-delete') env.MS_SANDBOX_SKIP_SELF_DELETE = '1';
    const child = spawn(process.execPath, [...execArgv, file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    this.log(
      'system',
      `[sandbox] container started: sandbox trainer (start command not run: ${this.request.args?.slice(0, 40)}...)`,
    );
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) this.#onLine(line);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => this.#onExit(code));
  }

  #onLine(line: string): void {
    this.log('container', line);
    // SimpleTuner's sandbox step line, or ai-toolkit's training bar.
    const step = /^\[sandbox\] step (\d+)\/|^\S+: +\d+%\|[^|]*\| (\d+)\/\d+ \[/.exec(line);
    const reached = Number(step?.[1] ?? step?.[2] ?? 0);
    if (step && this.#fault?.kind === 'dies' && reached >= this.#fault.atStep && this.status === 'RUNNING') {
      this.status = 'ERROR';
      this.trainingEndedAt = this.#host.now();
      this.log('system', '[sandbox] the host lost the GPU: pod in ERROR (still billed until terminated)');
      this.#child?.kill('SIGKILL');
    }
  }

  #onExit(code: number | null): void {
    this.#child = undefined;
    this.exitCode = code;
    this.trainingEndedAt ??= this.#host.now();
    if (this.status === 'TERMINATED' || this.status === 'ERROR') return;
    this.log(
      'system',
      `[sandbox] container exited with code ${code}; RunPod restarts it (the sandbox does not rerun the trainer), the pod keeps billing`,
    );
  }

  /** Terminates the pod: kills the trainer, stops billing. Returns false when it was already terminated. */
  terminate(by: string): boolean {
    if (this.status === 'TERMINATED') return false;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#child?.kill('SIGKILL');
    this.status = 'TERMINATED';
    this.terminatedAt = this.#host.now();
    this.trainingEndedAt ??= this.terminatedAt;
    this.log('system', `[sandbox] pod terminated by ${by}`);
    return true;
  }

  /** Emulated seconds billed so far. */
  billedSeconds(): number {
    return Math.max(0, ((this.terminatedAt ?? this.#host.now()) - this.createdAt) / 1000);
  }

  /** The pod as the REST v2 API shows it. */
  view(): RunpodPod {
    const live = this.status !== 'EXITED' && this.status !== 'TERMINATED';
    return {
      id: this.id,
      name: this.request.name,
      status: this.status,
      actions: this.status === 'RUNNING' ? ['stop', 'restart', 'terminate'] : ['terminate'],
      image: this.request.image ?? '',
      args: this.request.args ?? '',
      disk: this.request.disk ?? 50,
      mounts: this.request.mounts ?? {},
      ports: this.request.ports ?? [],
      env: this.request.env ?? {},
      registry: null,
      gpu: { id: this.request.gpu?.id ?? '', count: this.request.gpu?.count ?? 1 },
      cloud: this.request.cloud ?? 'SECURE',
      dataCenterId: 'SANDBOX-1',
      cudaVersion: '12.8',
      ssh: { proxy: null, direct: null },
      template: null,
      cost: live ? this.costPerHour : 0,
      locked: false,
      runtime:
        this.status === 'RUNNING'
          ? { uptime: Math.round((this.#host.now() - (this.startedAt ?? this.createdAt)) / 1000) }
          : null,
      createdAt: new Date(this.createdAt).toISOString(),
      startedAt: this.startedAt === undefined ? null : new Date(this.startedAt).toISOString(),
      globalNetworking: { enabled: false },
    } as RunpodPod;
  }
}

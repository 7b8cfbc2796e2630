import { podEnv } from './pod-protocol.js';
import type { RunpodClient } from './runpod-client.js';

/** What the caller knows about a run: still being waited for, finished, or unknown (no journal record). */
export type OrphanRunState = 'running' | 'finished' | 'unknown';

/** Options of {@link sweepOrphanPods}. */
export interface SweepOrphanPodsOptions {
  client: RunpodClient;
  /**
   * Only pods whose name starts with this are considered.
   * @default 'model-studio-'
   */
  namePrefix?: string;
  /**
   * The state of a run, from the caller's journal. Pods of `running` runs are kept (someone waits for them or
   * `resume` will); every other pod carrying the prefix is terminated.
   */
  runState: (runId: string, podId: string) => OrphanRunState | Promise<OrphanRunState>;
  signal?: AbortSignal;
}

/** One pod the sweep looked at. */
export interface SweptPod {
  podId: string;
  name: string;
  runId: string;
  status: string;
  state: OrphanRunState;
  /** Whether the sweep terminated it. */
  terminated: boolean;
}

/**
 * Terminates our pods that nobody will wait for: after our process crashed (kill -9, power loss), a pod whose run
 * finished or is unknown to the journal keeps billing until someone deletes it. Lists the account's pods, keeps those
 * without our name prefix and those of runs still `running`, and terminates the rest (already terminated pods are
 * skipped). Run it at start-up, before `resume`.
 */
export async function sweepOrphanPods(options: SweepOrphanPodsOptions): Promise<SweptPod[]> {
  const prefix = options.namePrefix ?? 'model-studio-';
  const swept: SweptPod[] = [];
  for (const pod of await options.client.listPods({ signal: options.signal })) {
    if (!pod.name.startsWith(prefix) || pod.status === 'TERMINATED') continue;
    const runId = pod.env?.[podEnv.runId] ?? pod.name.slice(prefix.length);
    const state = await options.runState(runId, pod.id);
    const terminated =
      state === 'running' ? false : await options.client.terminatePod(pod.id, { signal: options.signal });
    swept.push({ podId: pod.id, name: pod.name, runId, status: pod.status, state, terminated });
  }
  return swept;
}

/** Which sandbox route a fault or a log record concerns. */
export type SandboxRoute = 'chat' | 'ollama' | 'image-to-text' | 'zero-shot';

/**
 * A fault the sandbox injects on the next matching requests:
 * - `latency`: answer normally after `ms`;
 * - `rate-limit`: 429 with `Retry-After: retryAfterSeconds` (fractions allowed here);
 * - `model-loading`: 503 `{error, estimated_time}`, the way Hugging Face reports a cold model;
 * - `server-error`: a 5xx (`status`, default 500);
 * - `drop-connection`: the socket is destroyed after the request arrived (the call may have been charged);
 * - `malformed-json`: 200 with a body that is not JSON;
 * - `empty-caption`: 200 with an empty caption;
 * - `blip-artifacts`: 200 with a caption full of BLIP's known artifacts.
 */
export type SandboxFault =
  | { kind: 'latency'; ms: number }
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'model-loading'; estimatedTime: number }
  | { kind: 'server-error'; status?: number }
  | { kind: 'drop-connection' }
  | { kind: 'malformed-json' }
  | { kind: 'empty-caption' }
  | { kind: 'blip-artifacts' };

/** A fault with how often and where it applies. */
export type SandboxFaultSpec = SandboxFault & {
  /**
   * How many matching requests it hits.
   * @default 1
   */
  times?: number;
  /** Only this route (all routes when absent). */
  route?: SandboxRoute;
};

/** Queued faults, consumed in order by matching requests. */
export class SandboxFaultQueue {
  private readonly queue: Array<SandboxFault & { left: number; route?: SandboxRoute }> = [];

  add(spec: SandboxFaultSpec): void {
    const { times, ...fault } = spec;
    this.queue.push({ ...fault, left: times ?? 1 });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The next fault for `route`, consuming one use of it. */
  take(route: SandboxRoute): SandboxFault | undefined {
    const index = this.queue.findIndex((fault) => fault.route === undefined || fault.route === route);
    if (index < 0) return undefined;
    const entry = this.queue[index]!;
    entry.left--;
    if (entry.left <= 0) this.queue.splice(index, 1);
    const { left: _left, route: _route, ...fault } = entry;
    return fault as SandboxFault;
  }
}

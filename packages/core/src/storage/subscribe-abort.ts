interface Subscribers {
  readonly listeners: Set<() => void>;
  readonly dispatch: () => void;
}

const bySignal = new WeakMap<AbortSignal, Subscribers>();

/**
 * Calls `listener` once when `signal` aborts. Every subscription to one signal shares a single `abort` listener on
 * it, so a run that keeps many reads and writes in flight on its signal adds one listener, not one per call (Node.js
 * warns of a leak past 10, which `--concurrency 16` would reach). Returns the function that unsubscribes; the shared
 * listener is removed with the last subscription. A signal that is already aborted never calls `listener`: check
 * `signal.aborted` first.
 *
 * @internal
 */
export function subscribeAbort(signal: AbortSignal, listener: () => void): () => void {
  let subscribers = bySignal.get(signal);
  if (subscribers === undefined) {
    const listeners = new Set<() => void>();
    const dispatch = () => {
      bySignal.delete(signal);
      for (const each of [...listeners]) {
        try {
          each();
        } catch (error) {
          // As an EventTarget listener's exception would be: reported, without stopping the other listeners.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
      listeners.clear();
    };
    subscribers = { listeners, dispatch };
    bySignal.set(signal, subscribers);
    signal.addEventListener('abort', dispatch, { once: true });
  }
  const { listeners, dispatch } = subscribers;
  // A distinct function per subscription, so one listener subscribed twice is called twice, like separate listeners.
  const entry = () => listener();
  listeners.add(entry);
  return () => {
    if (!listeners.delete(entry) || listeners.size > 0) return;
    signal.removeEventListener('abort', dispatch);
    if (bySignal.get(signal) === subscribers) bySignal.delete(signal);
  };
}

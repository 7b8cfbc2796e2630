import { createHook } from 'node:async_hooks';

/**
 * Counts the thread-pool file-system requests `action` makes (each `fs.promises` call, callback call or FileHandle
 * close is one), through an async hook on the real `node:fs`: nothing is mocked.
 */
export async function fsOpsOf(action: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'FSREQPROMISE' || type === 'FSREQCALLBACK' || type === 'FILEHANDLECLOSEREQ') count++;
    },
  });
  hook.enable();
  try {
    await action();
  } finally {
    hook.disable();
  }
  return count;
}

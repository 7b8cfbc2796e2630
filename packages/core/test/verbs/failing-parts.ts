/**
 * Parts that fail as a full or read-only disk does, shared by the money-path tests of the stages (run-money,
 * caption-money-safety).
 */
import { type Storage, StorageError } from '@model-studio/core';
import type { RunRecorder } from '../../src/orchestrator/run-recorder.js';

/** A recorder whose `method` fails as the journal or ledger does on a full disk (ENOSPC). */
export function failing(recorder: RunRecorder, method: keyof RunRecorder): RunRecorder {
  return new Proxy(recorder, {
    get(target, property, receiver) {
      if (property === method) {
        return () =>
          Promise.reject(
            new StorageError('Progress journal write failed: no space left on device (ENOSPC).', {
              operation: 'append',
              backendCode: 'ENOSPC',
            }),
          );
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The storage, with puts under `results/` failing with `code` while `fail(true)` (a read-only or full volume). */
export function failingStorage(storage: Storage, code: string) {
  let failing = false;
  const put: Storage['put'] = (key, body, options) => {
    if (failing && key.includes('/results/')) {
      const message = `LocalStorage put ${key} failed: read-only file system (${code}).`;
      return Promise.reject(new StorageError(message, { operation: 'put', key, backendCode: code }));
    }
    return storage.put(key, body, options);
  };
  const wrapped = new Proxy(storage, {
    get(target, property) {
      if (property === 'put') return put;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { storage: wrapped, fail: (on: boolean) => (failing = on) };
}

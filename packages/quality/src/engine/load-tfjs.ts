import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Tfjs from '@tensorflow/tfjs';
import type { QualityBackend } from './backend.js';
import { BackendUnavailableError } from './unreadable.js';

/** The tfjs namespace as loaded at run time. */
export type Tf = typeof Tfjs;

const require = createRequire(import.meta.url);

/** What {@link loadTfjs} set up. */
export interface LoadedTfjs {
  tf: Tf;
  /** The backend in use: `tensorflow`, `wasm` or `cpu`. */
  backend: string;
}

async function tryTfjsNode(): Promise<boolean> {
  // Never a dependency: its installer downloads libtensorflow. Used only when the user has installed it.
  const name = '@tensorflow/tfjs-node';
  try {
    await import(/* @vite-ignore */ name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads @tensorflow/tfjs and selects a backend. The wasm binaries are read from the installed
 * @tensorflow/tfjs-backend-wasm package (nothing is fetched).
 */
export async function loadTfjs(requested: QualityBackend): Promise<LoadedTfjs> {
  const tf = require('@tensorflow/tfjs') as Tf;
  const order: Array<'tensorflow' | 'wasm' | 'cpu'> =
    requested === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : requested === 'tensorflow' ? ['tensorflow'] : [requested];
  const failures: string[] = [];
  for (const backend of order) {
    if (backend === 'tensorflow') {
      if (!(await tryTfjsNode())) {
        failures.push('tensorflow: @tensorflow/tfjs-node is not installed');
        continue;
      }
    }
    if (backend === 'wasm') {
      const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
      const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      wasm.setWasmPaths(dir + path.sep);
    }
    try {
      if (await tf.setBackend(backend)) {
        await tf.ready();
        tf.enableProdMode();
        return { tf, backend };
      }
      failures.push(`${backend}: setBackend returned false`);
    } catch (error) {
      failures.push(`${backend}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new BackendUnavailableError(
    `No tfjs backend could start (${failures.join('; ')}). Use backend 'auto', or install @tensorflow/tfjs-node for 'tensorflow'.`,
  );
}

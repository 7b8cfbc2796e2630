import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.js';

// face-worker is the worker-thread entry: the pool starts it as dist/face-worker.js, next to its own chunk.
export default defineConfig(packageBuild({ index: 'src/index.ts', 'face-worker': 'src/face-worker.ts' }));

import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.js';

export default defineConfig(
  packageBuild({
    index: 'src/index.ts',
    testing: 'src/testing/index.ts',
    // The RunPod sandbox's pod process, spawned by the sandbox from dist/ (see src/testing/sandbox-pod.ts).
    'sandbox-trainer-process': 'src/testing/sandbox-trainer-process.ts',
  }),
);

import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.js';

export default defineConfig(packageBuild({ index: 'src/index.ts', client: 'src/client/index.ts', bin: 'src/bin.ts' }));

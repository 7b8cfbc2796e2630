import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const packages: Record<string, string> = {
  core: 'packages/core',
  maxstudio: 'packages/maxstudio',
  'storage-s3': 'packages/storage-s3',
  quality: 'packages/quality',
  captioning: 'packages/captioning',
  'lora-trainer': 'packages/lora-trainer',
  jobs: 'packages/jobs',
};

/**
 * In tests, `@model-studio/<pkg>` and `@model-studio/<pkg>/<subpath>` resolve to the package's TypeScript source,
 * so tests never race a parallel build. Child processes and the package-hygiene checks use the built `dist/`.
 */
export const workspaceAliases = Object.entries(packages).flatMap(([name, dir]) => [
  { find: new RegExp(`^@model-studio/${name}$`), replacement: `${root}${dir}/src/index.ts` },
  { find: new RegExp(`^@model-studio/${name}/(.+)$`), replacement: `${root}${dir}/src/$1/index.ts` },
]);

/** The vitest project every workspace package uses. */
export function packageProject(name: string, extra: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { alias: workspaceAliases },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      ...extra,
    },
  });
}

/**
 * Vitest globalSetup: gives the tests a real S3-compatible server. When `S3_TEST_ENDPOINT` is set, that server is
 * used as is. Otherwise `scripts/s3-server/start.sh` starts (or reuses) the local OpenStack Swift, and the servers
 * this setup started are stopped at teardown. Missing Swift fails the run with the install command: never a skip.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { parseEnvFile, type S3TestEnv, s3TestEnvFrom } from './s3-test-env.js';

const run = promisify(execFile);
const scripts = fileURLToPath(new URL('../../../scripts/s3-server/', import.meta.url));

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = s3TestEnvFrom(process.env);
  if (given) {
    project.provide('s3Env', given);
    return undefined;
  }
  let stdout: string;
  let stderr: string;
  try {
    ({ stdout, stderr } = await run('bash', [`${scripts}start.sh`], { timeout: 120_000 }));
  } catch (error) {
    const output = String((error as { stderr?: unknown }).stderr ?? '');
    if (output.includes('not installed')) {
      throw new Error(
        'The storage-s3 tests need OpenStack Swift (a real S3-compatible server) and it is not installed. Run `bash scripts/s3-server/install.sh` (Debian/Ubuntu, as root), or set S3_TEST_ENDPOINT, S3_TEST_REGION, S3_TEST_ACCESS_KEY_ID, S3_TEST_SECRET_ACCESS_KEY and S3_TEST_BUCKET to an S3 server of your own.',
      );
    }
    throw new Error(`Could not start the local S3 server (scripts/s3-server/start.sh):\n${output}`, { cause: error });
  }
  const env: S3TestEnv | undefined = s3TestEnvFrom(parseEnvFile(stdout));
  if (!env) throw new Error(`scripts/s3-server/start.sh printed no S3_TEST_* variables:\n${stdout}\n${stderr}`);
  project.provide('s3Env', env);
  const startedHere = !stderr.includes('reusing');
  return async () => {
    if (startedHere) await run('bash', [`${scripts}stop.sh`], { timeout: 60_000 });
  };
}

// Starts (or reuses) the local Swift S3 server for the benchmarks, unless S3_TEST_ENDPOINT points at one.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const scripts = fileURLToPath(new URL('../../../scripts/s3-server/', import.meta.url));

/** @returns {{ env: Record<string, string>, stop: () => void }} */
export function s3Server() {
  if (process.env.S3_TEST_ENDPOINT) {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('S3_TEST_')));
    return { env, stop: () => {} };
  }
  const started = spawnSync('bash', [`${scripts}start.sh`], { encoding: 'utf8' });
  if (started.status !== 0) {
    throw new Error(
      `Could not start the local S3 server (run \`bash scripts/s3-server/install.sh\` if Swift is missing):\n${started.stderr}`,
    );
  }
  const env = Object.fromEntries(
    started.stdout
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );
  // Stop it afterwards only when this run started it.
  const reused = started.stderr.includes('reusing');
  return {
    env,
    stop: () => {
      if (!reused) execFileSync('bash', [`${scripts}stop.sh`], { stdio: 'ignore' });
    },
  };
}

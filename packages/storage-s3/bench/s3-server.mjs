// Starts (or reuses) the local Swift S3 server for the benchmarks, unless S3_TEST_ENDPOINT points at one.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const scripts = fileURLToPath(new URL('../../../scripts/s3-server/', import.meta.url));

/** @returns {{ env: Record<string, string>, stop: () => void }} */
export function s3Server() {
  if (process.env.S3_TEST_ENDPOINT) {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('S3_TEST_')));
    return { env, stop: () => {} };
  }
  const run = (script) =>
    execFileSync('bash', [`${scripts}${script}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  let out;
  try {
    out = run('start.sh');
  } catch (error) {
    throw new Error(
      `Could not start the local S3 server. Run \`bash scripts/s3-server/install.sh\` first.\n${error.stderr ?? error}`,
    );
  }
  const env = Object.fromEntries(
    out
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );
  return { env, stop: () => run('stop.sh') };
}

// Starts a local Swift S3 server of the benchmark's own, unless S3_TEST_ENDPOINT points at one: on four ports that are
// free when it starts (chosen by the system, not a fixed 18480 that another program or a test run may hold), with its
// state in a temp folder, so it never collides with the test suite's server. S3_SERVER_PORT (and
// S3_SERVER_ACCOUNT_PORT / _CONTAINER_PORT / _OBJECT_PORT) still choose the ports when set.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const scripts = fileURLToPath(new URL('../../../scripts/s3-server/', import.meta.url));
const ATTEMPTS = 3;

/** Ports for the proxy, account, container and object servers: from S3_SERVER_*PORT when set, else free ones. */
async function choosePorts() {
  const fixed = process.env.S3_SERVER_PORT;
  if (fixed) return { S3_SERVER_PORT: fixed };
  // Held open together, so the system hands out four different ports.
  const servers = await Promise.all(
    Array.from({ length: 4 }, () => {
      const server = createServer();
      server.unref();
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    }),
  );
  const [proxy, account, container, object] = servers.map((server) => server.address().port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return {
    S3_SERVER_PORT: String(proxy),
    S3_SERVER_ACCOUNT_PORT: String(account),
    S3_SERVER_CONTAINER_PORT: String(container),
    S3_SERVER_OBJECT_PORT: String(object),
  };
}

/** @returns {Promise<{ env: Record<string, string>, stop: () => void }>} */
export async function s3Server() {
  if (process.env.S3_TEST_ENDPOINT) {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('S3_TEST_')));
    return { env, stop: () => {} };
  }
  const state = mkdtempSync(join(tmpdir(), 'model-studio-bench-s3-'));
  const stop = () => {
    execFileSync('bash', [`${scripts}stop.sh`], { stdio: 'ignore', env: { ...process.env, S3_SERVER_DIR: state } });
    rmSync(state, { recursive: true, force: true });
  };
  let lastError = '';
  // A port chosen free can be taken by someone else before Swift binds it: then try again with new ones.
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const ports = await choosePorts();
    const started = spawnSync('bash', [`${scripts}start.sh`], {
      encoding: 'utf8',
      env: { ...process.env, ...ports, S3_SERVER_DIR: state },
    });
    if (started.status === 0) {
      const env = Object.fromEntries(
        started.stdout
          .split('\n')
          .filter((line) => line.includes('='))
          .map((line) => line.split(/=(.*)/s).slice(0, 2)),
      );
      console.log(`local S3 server (Swift) for this benchmark at ${env.S3_TEST_ENDPOINT}`);
      return { env, stop };
    }
    lastError = started.stderr;
    if (process.env.S3_SERVER_PORT || !/in use/.test(lastError)) break;
  }
  stop();
  throw new Error(
    `Could not start the local S3 server (run \`bash scripts/s3-server/install.sh\` if Swift is missing):\n${lastError}`,
  );
}

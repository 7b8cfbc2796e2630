import { spawn, spawnSync } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** A redis-server started by {@link startRedisServer}. */
export interface StartedRedisServer {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  pid: number;
  /** Stops it by its PID (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options for {@link startRedisServer}. */
export interface StartRedisServerOptions {
  /** Loopback port. @default a free one */
  port?: number;
  /** The redis-server binary. @default `redis-server` on the PATH */
  command?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

function notInstalled(command: string): Error {
  return new Error(
    `${command} is not installed (or not on the PATH): the BullMQ queue's tests need a real Redis. ` +
      "Run scripts/redis/install.sh (it installs Debian's redis-server), then run the tests again.",
  );
}

/**
 * Starts Debian's `redis-server` on a loopback port for tests (`--save '' --appendonly no`: nothing written to disk),
 * waits until it answers PING, and returns its URL and a `stop()` that ends it by its PID. Never uses 6379 unless
 * asked. Throws a clear error when redis-server is not installed (run scripts/redis/install.sh).
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<StartedRedisServer> {
  const command = options.command ?? 'redis-server';
  const probe = spawnSync(command, ['--version'], { stdio: 'ignore' });
  if (probe.error) throw notInstalled(command);
  const port = options.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
  const child = spawn(command, [...args, '--protected-mode', 'yes', '--loglevel', 'warning'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const pid = child.pid;
  if (pid === undefined) throw notInstalled(command);
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`redis-server exited at start (code ${child.exitCode}): ${stderr.trim()}`);
    if (await ping(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING on 127.0.0.1:${port} within 10 s: ${stderr.trim()}`);
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 50)), spawnError]);
  }
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        process.kill(pid, 'SIGTERM');
        const timer = setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
        }, 5_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

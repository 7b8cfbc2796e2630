import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStorage, openWorkspace, storageKeys } from '@model-studio/core';
import { StorageAccountStore } from '../src/auth/storage-account-store.js';
import { jobFixtures, testConsent } from './jobs-rig.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const binJs = join(packageDir, 'dist', 'bin.js');

/** A child process with its output kept. */
export interface Child {
  child: ChildProcess;
  output(): string;
  /** Resolves when it exits. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function track(child: ChildProcess): Child {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited: () => exit };
}

async function waitForLine(child: Child, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  const until = Date.now() + 90_000;
  for (;;) {
    const match = pattern.exec(child.output());
    if (match) return match;
    if (child.child.exitCode !== null || child.child.signalCode !== null) {
      throw new Error(`${what} exited before it was ready:\n${child.output()}`);
    }
    if (Date.now() > until) throw new Error(`${what} was not ready in 90 s:\n${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts the MaxStudio sandbox in its own process (state file, durations, credits from `options`). */
export async function startSandboxProcess(options: object): Promise<Child & { url: string; stop(): Promise<void> }> {
  const child = track(
    spawn(process.execPath, [join(packageDir, 'test', 'maxstudio-sandbox-process.mjs')], {
      cwd: packageDir,
      env: { ...process.env, SANDBOX_OPTIONS: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const [, url] = await waitForLine(child, /"url":"([^"]+)"/, 'the MaxStudio sandbox');
  return {
    ...child,
    url: url as string,
    async stop() {
      child.child.kill('SIGTERM');
      await child.exited();
    },
  };
}

/** `node dist/bin.js <args>` with `env`, waiting for `ready` in its output; the first match group is returned. */
export async function startServerProcess(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<Child & { ready: string }> {
  const child = track(
    spawn(process.execPath, [binJs, ...args], {
      cwd: packageDir,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const match = await waitForLine(child, ready, `studio-server ${args.join(' ')}`);
  return { ...child, ready: match[1] ?? match[0] };
}

/** The line `studio-server start` prints once listening; its group is the URL. */
export const listening = /listening on (http:\/\/[^\s]+?) \(/;

/** The sandbox's bill: every charge with its job id. */
export async function sandboxBilling(url: string): Promise<{ jobId: string; credits: number; operation: string }[]> {
  const body = (await (await fetch(`${url}/__sandbox/billing`)).json()) as {
    charges: { jobId: string; credits: number; operation: string }[];
  };
  return body.charges;
}

/**
 * A workspace with a user (and write key) owning `model`: one source and `targets` sfw targets, as a server process
 * will find them (the user `alice` is made on the first call). Returns the user's id and a new key.
 */
export async function prepareWorkspace(
  root: string,
  model: string,
  targets: number,
): Promise<{ userId: string; key: string }> {
  const storage = new LocalStorage({ root });
  const workspace = await openWorkspace({ root, storage });
  try {
    await workspace.createModel(model, { thresholds: { minShortSide: 256 } });
    await workspace.setConsent(model, testConsent(['swap']));
    await storage.put(storageKeys.source(model, 1), await readFile(join(jobFixtures, 'source.jpg')));
    const target = await readFile(join(jobFixtures, 'target.jpg'));
    for (let n = 1; n <= targets; n++) await storage.put(storageKeys.target(model, 'sfw', n), target);
    await workspace.recordTargets(
      model,
      'sfw',
      Array.from({ length: targets }, (_, i) => ({ n: i + 1, origin: 'fixture', rightsStatement: 'public domain' })),
    );
    const accounts = new StorageAccountStore(storage);
    const user = (await accounts.findUser('alice')) ?? (await accounts.createUser('alice'));
    await accounts.setModelOwner(model, user.id);
    return { userId: user.id, key: (await accounts.createKey(user.id, { scope: 'write' })).secret };
  } finally {
    await workspace.close();
  }
}

/** The ledger's actual charges of a model (`costs.jsonl`), by job id. */
export async function ledgerActuals(root: string, model: string): Promise<{ jobId: string; amount: number }[]> {
  const text = await readFile(join(root, 'models', model, 'costs.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind: string; jobId: string; amount: number })
    .filter((line) => line.kind === 'actual');
}

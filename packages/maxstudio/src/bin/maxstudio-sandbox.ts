#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startMaxStudioSandbox } from '../testing/index.js';

const help = `maxstudio-sandbox: a MaxStudio API SANDBOX (emulator) on loopback. Not the real API: outputs are marked SANDBOX.

Usage: maxstudio-sandbox [options]

Options:
  --port <n>         Port to listen on (0 picks a free one)           [default: 8790]
  --host <addr>      Interface to listen on (keep it loopback)         [default: 127.0.0.1]
  --credits <n>      Starting credit balance (of a new --state file)   [default: 10000]
  --key <key>        An accepted x-api-key (repeatable)                [default: sandbox-key]
  --job-ms <n>       Total time a job takes (pending + running), ms    [default: swap 1800, enhance 3500, video swap 5500]
  --faults <json>    A fault plan as JSON (see the package README)
  --state <file>     Keep jobs, charges and balance in this file (JSON lines; outputs in
                     <file>.jobs/) so they survive restarts; one sandbox per file
  --unknown-job-status <200|404>
                     How a poll of an unknown job id is answered:
                     200 {"status":"not-found"} or 404                 [default: 200]
  -h, --help         Show this help

Point a client at it:  createMaxStudio({ baseURL: '<printed url>', apiKey: 'sandbox-key' })
Sandbox-only paths:    GET /__sandbox/billing, GET /__sandbox/requests, GET|PUT /__sandbox/faults
`;

function fail(message: string): never {
  process.stderr.write(`maxstudio-sandbox: ${message}\nRun maxstudio-sandbox --help for the options.\n`);
  process.exit(2);
}

function integer(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) fail(`--${name} must be a whole number >= 0, got "${value}".`);
  return parsed;
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        credits: { type: 'string' },
        key: { type: 'string', multiple: true },
        'job-ms': { type: 'string' },
        faults: { type: 'string' },
        state: { type: 'string' },
        'unknown-job-status': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(help);
    return;
  }
  const jobMs = values['job-ms'] === undefined ? undefined : integer(values['job-ms'], 'job-ms', 0);
  const duration =
    jobMs === undefined ? undefined : { pendingMs: Math.round(jobMs / 4), runningMs: jobMs - Math.round(jobMs / 4) };
  let faults: object | undefined;
  if (values.faults !== undefined) {
    try {
      faults = JSON.parse(values.faults) as object;
    } catch {
      fail('--faults must be JSON, e.g. \'{"rules":[{"kind":"rate-limit","times":1,"retryAfter":"1"}]}\'.');
    }
  }
  const unknownJobStatus = values['unknown-job-status'];
  if (unknownJobStatus !== undefined && unknownJobStatus !== '200' && unknownJobStatus !== '404')
    fail(`--unknown-job-status must be 200 or 404, got "${unknownJobStatus}".`);
  const sandbox = await startMaxStudioSandbox({
    port: integer(values.port, 'port', 8790),
    host: values.host ?? '127.0.0.1',
    credits: integer(values.credits, 'credits', 10_000),
    ...(values.key ? { apiKeys: values.key } : {}),
    ...(duration ? { jobDurations: { swap: duration, enhance: duration, 'video-swap': duration } } : {}),
    ...(faults ? { faults } : {}),
    ...(unknownJobStatus ? { unknownJobHttpStatus: unknownJobStatus === '404' ? 404 : 200 } : {}),
    ...(values.state ? { stateFile: values.state } : {}),
  });
  process.stdout.write(
    `MaxStudio SANDBOX (not the real API) listening on ${sandbox.url}\nAccepted API key: ${values.key?.length ? `${values.key.length} configured` : sandbox.apiKey}\n${sandbox.stateFile ? `State: ${sandbox.stateFile} (jobs and billing survive restarts; SANDBOX credits only)\n` : ''}Stop with Ctrl+C.\n`,
  );
  const stop = () => {
    sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`maxstudio-sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

// The library side of the server bench's run part, in a process of its own (plain node, the server's build), as the
// API side runs in the server's own process: plans and runs each model of BENCH_LIBRARY_MODELS (comma-separated) in
// turn with the server's wiring, timing `studio.plan` + `studio.run` of each, and prints one JSON line: the last
// model's time and summary. The config comes from the environment, as `studio-server start` reads it.
import { createServerContext, loadServerConfig } from '../dist/index.js';

const models = (process.env.BENCH_LIBRARY_MODELS ?? '').split(',').filter(Boolean);
const opened = await createServerContext(loadServerConfig(process.env));
let result = {};
try {
  for (const model of models) {
    const studio = await opened.context.openStudio();
    try {
      const started = performance.now();
      const summary = await studio.studio.run(await studio.studio.plan(model));
      result = {
        libraryMs: performance.now() - started,
        summary: { outcome: summary.outcome, succeeded: summary.succeeded, failed: summary.failed.length },
      };
    } finally {
      await studio.close();
    }
  }
} finally {
  await opened.close();
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

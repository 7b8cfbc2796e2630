/**
 * Web dashboard bench, in Debian's Chromium against the real studio-server (built, sandboxes, temp workspace):
 * the gzip size of the JS and CSS the first page (the signed-in dashboard) loads, and the time from navigation until
 * the dashboard shows 100 models with their thumbnails decoded. Prints each figure with its goal (pass or MISS) and
 * writes bench/results/web.json. Run: pnpm --filter @model-studio/web bench (after pnpm build).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChromium } from '../test/support/chromium.js';
import { serverBin, startStudioServer } from '../test/support/studio-server.js';
import { entryFiles, sizeFiles } from './first-page-size.js';
import { seedModels } from './seed-models.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '../dist');
const modelCount = 100;
const rounds = 3;
const sizeGoalBytes = 200 * 1024;
/** What a person opening a dashboard of 100 models would accept. */
const timeGoalMs = 2_000;

/**
 * Run in the page (a string: tsx would wrap named functions in a helper the page does not have): per kind of request
 * of the dashboard (the model list with the cards' summaries, a card's own overview or thumbnail link as older
 * dashboards asked, the thumbnail image), the count, median duration and when the last one ended, from the Resource
 * Timing API.
 */
const resourcePhasesScript = `(() => {
  const entries = performance.getEntriesByType('resource');
  const kinds = {
    modelList: (entry) => new URL(entry.name).pathname === '/v1/models',
    overview: (entry) => /\\/v1\\/models\\/[^/?]+$/.test(new URL(entry.name).pathname),
    thumbnailLink: (entry) => new URL(entry.name).pathname.endsWith('/results'),
    thumbnailImage: (entry) => entry.initiatorType === 'img',
  };
  const phases = {};
  for (const [kind, test] of Object.entries(kinds)) {
    const matching = entries.filter(test);
    const durations = matching.map((entry) => entry.duration).sort((a, b) => a - b);
    phases[kind] = {
      requests: matching.length,
      medianMs: Math.round(durations[Math.floor(durations.length / 2)] ?? 0),
      lastEndMs: Math.round(Math.max(0, ...matching.map((entry) => entry.responseEnd))),
    };
  }
  return phases;
})()`;

if (!existsSync(path.join(dist, 'index.html')) || !existsSync(serverBin)) {
  console.error('web bench: build first (pnpm build): the dashboard dist or the server dist is missing.');
  process.exit(1);
}

const server = await startStudioServer({ timeoutMs: 60_000 });
const chrome = await startChromium();
try {
  const seedStart = performance.now();
  await seedModels({ baseUrl: server.url, apiKey: server.adminKey, count: modelCount, concurrency: 4 });
  console.log(
    `seeded ${modelCount} models (consent + 1 source each) in ${Math.round(performance.now() - seedStart)} ms`,
  );

  const page = await chrome.context.newPage();
  await page.addInitScript((key) => sessionStorage.setItem('model-studio.api-key', key), server.adminKey);
  // Room for every request of a load (the default buffer of 250 entries fills before the last cards).
  await page.addInitScript('performance.setResourceTimingBufferSize(2000)');
  const loaded = new Set<string>();
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.origin === server.url && /\.(js|css)$/.test(url.pathname)) loaded.add(url.pathname.slice(1));
  });
  const times: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    // A fresh load each round (the browser cache kept: as a person reopening the dashboard).
    await page.goto(server.url);
    await page.waitForFunction(
      (count) => {
        const images = [...document.querySelectorAll<HTMLImageElement>('li[data-model] img')];
        return images.length === count && images.every((image) => image.complete && image.naturalWidth > 0);
      },
      modelCount,
      { timeout: 120_000, polling: 20 },
    );
    times.push(await page.evaluate(() => performance.now()));
  }
  // Where the last load's time went: the API calls per card and the thumbnails, from the Resource Timing API.
  const phases = await page.evaluate(resourcePhasesScript);
  console.log(`last load: ${JSON.stringify(phases)}`);
  const firstPage = sizeFiles(dist, loaded);
  const entry = sizeFiles(dist, entryFiles(dist));
  const gzip = (files: { gzipBytes: number }[]) => files.reduce((sum, file) => sum + file.gzipBytes, 0);
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const goals = [
    {
      goal: `first page (signed-in dashboard) JS+CSS gzip <= ${sizeGoalBytes / 1024} kB`,
      value: `${(gzip(firstPage) / 1024).toFixed(1)} kB in ${firstPage.length} files (entry alone ${(gzip(entry) / 1024).toFixed(1)} kB)`,
      pass: gzip(firstPage) <= sizeGoalBytes,
    },
    {
      goal: `dashboard shows ${modelCount} models with thumbnails, median of ${rounds} loads <= ${timeGoalMs} ms`,
      value: `${Math.round(median)} ms (loads: ${times.map((time) => Math.round(time)).join(', ')} ms)`,
      pass: median <= timeGoalMs,
    },
  ];
  console.log(
    `web bench (Chromium, studio-server with sandboxes; the first load makes the small thumbnails; load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores):`,
  );
  for (const { goal, value, pass } of goals) console.log(`  ${pass ? 'pass' : 'MISS'}  ${goal}: ${value}`);
  // A MISS is reported, never a failure: the bench exits 0 whenever it could measure.
  const results = {
    bench: 'web',
    date: new Date().toISOString(),
    node: process.version,
    chromium: chrome.context.browser()?.version() ?? 'unknown',
    cpus: os.cpus().length,
    /** The machine's 1-minute load average at the end: figures from a busy machine are slower. */
    loadAverage: Number(os.loadavg()[0]?.toFixed(1)),
    goals,
    firstPage: { gzipBytes: gzip(firstPage), files: firstPage },
    entry: { gzipBytes: gzip(entry), files: entry },
    dashboard: {
      models: modelCount,
      loadsMs: times.map((time) => Math.round(time)),
      medianMs: Math.round(median),
      lastLoad: phases,
    },
  };
  const dir = path.join(here, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'web.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${path.join(dir, 'web.json')}`);
} finally {
  await chrome.close();
  await server.stop();
}

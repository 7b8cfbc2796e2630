// Upload benchmark against the local Swift S3 server (started or reused here, stopped if started here):
//  1. 200 MB from a file, with S3Storage (a streamed put) and with `/usr/bin/aws s3 cp` (Debian's awscli), alternating
//     rounds in one run; prints the median times and their ratio (goal: ours <= 0.8 x the AWS CLI's).
//  2. Peak RSS of a child process streaming a generated 1 GB body through S3Storage (goal: < 150 MB).
// Writes bench/results/upload.json. Needs a build (`pnpm --filter @model-studio/storage-s3 build`; `pnpm bench` builds).
// Env: BENCH_MB (default 200), BENCH_RSS_MB (default 1024), BENCH_ROUNDS (default 3).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Storage } from '@model-studio/storage-s3';
import { s3Server } from './s3-server.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const MB = 1000 * 1000;
const size = Number(process.env.BENCH_MB ?? 200) * MB;
const rssSize = Number(process.env.BENCH_RSS_MB ?? 1024) * 1024 * 1024;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const aws = '/usr/bin/aws';
const here = fileURLToPath(new URL('.', import.meta.url));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

if (!existsSync(aws)) {
  console.log('awscli is missing: bash scripts/s3-server/install.sh --with-awscli');
  execFileSync('bash', [join(here, '../../../scripts/s3-server/install.sh'), '--with-awscli'], { stdio: 'inherit' });
}

const server = await s3Server();
const { env } = server;
const dir = await mkdtemp(join(tmpdir(), 'storage-s3-bench-'));
const tuning = {
  ...(process.env.BENCH_QUEUE_SIZE ? { queueSize: Number(process.env.BENCH_QUEUE_SIZE) } : {}),
  ...(process.env.BENCH_PART_MB ? { partSize: Number(process.env.BENCH_PART_MB) * 1024 * 1024 } : {}),
};
const storage = new S3Storage({
  bucket: env.S3_TEST_BUCKET,
  endpoint: env.S3_TEST_ENDPOINT,
  region: env.S3_TEST_REGION,
  credentials: { accessKeyId: env.S3_TEST_ACCESS_KEY_ID, secretAccessKey: env.S3_TEST_SECRET_ACCESS_KEY },
  ...tuning,
});
const prefix = `bench-${Date.now().toString(36)}`;
try {
  // The same bytes for both uploaders: a file of pseudo-random data (not compressible, not all zeros).
  const file = join(dir, 'upload.bin');
  const handle = await open(file, 'w');
  const block = new Uint8Array(MB);
  for (let i = 0; i < block.length; i += 4) new DataView(block.buffer).setUint32(i, Math.imul(i + 1, 2654435761));
  for (let written = 0; written < size; written += MB) await handle.write(block, 0, Math.min(MB, size - written));
  await handle.close();

  const awsEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: env.S3_TEST_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: env.S3_TEST_SECRET_ACCESS_KEY,
    AWS_DEFAULT_REGION: env.S3_TEST_REGION,
    AWS_CONFIG_FILE: join(dir, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
    AWS_PAGER: '',
  };
  await writeFile(awsEnv.AWS_CONFIG_FILE, '[default]\n');
  const ours = [];
  const theirs = [];
  for (let round = 0; round < rounds; round++) {
    let started = performance.now();
    const source = await open(file);
    try {
      await storage.put(`${prefix}/ours.bin`, source.readableWebStream({ type: 'bytes' }));
    } finally {
      await source.close();
    }
    ours.push((performance.now() - started) / 1000);

    started = performance.now();
    const cli = spawnSync(
      aws,
      [
        's3',
        'cp',
        file,
        `s3://${env.S3_TEST_BUCKET}/${prefix}/awscli.bin`,
        '--endpoint-url',
        env.S3_TEST_ENDPOINT,
        '--only-show-errors',
      ],
      { env: awsEnv, encoding: 'utf8' },
    );
    theirs.push((performance.now() - started) / 1000);
    if (cli.status !== 0) throw new Error(`aws s3 cp failed (${cli.status}): ${cli.stderr}`);
    const [a, b] = await Promise.all([storage.head(`${prefix}/ours.bin`), storage.head(`${prefix}/awscli.bin`)]);
    if (a?.size !== size || b?.size !== size)
      throw new Error(`uploaded sizes differ: ours ${a?.size}, awscli ${b?.size}`);
    console.log(`round ${round + 1}: S3Storage ${ours.at(-1).toFixed(2)} s, aws s3 cp ${theirs.at(-1).toFixed(2)} s`);
  }
  await storage.delete([`${prefix}/ours.bin`, `${prefix}/awscli.bin`]);

  // Peak RSS in a child process (so it is ours alone), for both kinds of web stream.
  const rss = {};
  for (const kind of ['bytes', 'default']) {
    const child = spawnSync(process.execPath, [join(here, 'upload-rss-child.mjs')], {
      env: { ...process.env, ...env, BENCH_BYTES: String(rssSize), BENCH_KEY: `${prefix}/rss.bin`, BENCH_STREAM: kind },
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`RSS child failed: ${child.stderr}`);
    rss[kind] = JSON.parse(child.stdout);
  }

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    uploadBytes: size,
    rounds,
    s3StorageSeconds: median(ours),
    awsCliSeconds: median(theirs),
    ratio: median(ours) / median(theirs),
    ratioGoal: 0.8,
    s3StorageMBps: size / MB / median(ours),
    awsCliMBps: size / MB / median(theirs),
    partSize: storage.partSize,
    queueSize: storage.queueSize,
    rssUploadBytes: rssSize,
    peakRssGoalMB: 150,
    byteStream: {
      peakRssMB: rss.bytes.peakRss / 1024 / 1024,
      baselineRssMB: rss.bytes.baselineRss / 1024 / 1024,
      seconds: rss.bytes.seconds,
    },
    defaultStream: {
      peakRssMB: rss.default.peakRss / 1024 / 1024,
      baselineRssMB: rss.default.baselineRss / 1024 / 1024,
      seconds: rss.default.seconds,
    },
    allS3StorageSeconds: ours,
    allAwsCliSeconds: theirs,
  };
  await writeFile(join(here, 'results', 'upload.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `\n${size / MB} MB upload to local Swift (median of ${rounds}): S3Storage ${result.s3StorageSeconds.toFixed(2)} s, aws s3 cp ${result.awsCliSeconds.toFixed(2)} s, ratio ${result.ratio.toFixed(2)} (goal <= 0.8: ${result.ratio <= 0.8 ? 'pass' : 'MISS'})`,
  );
  for (const [label, figures] of [
    ['byte stream (BYOB)', result.byteStream],
    ['default stream (1 MiB chunks)', result.defaultStream],
  ]) {
    console.log(
      `peak RSS streaming ${(rssSize / 1024 / 1024 / 1024).toFixed(0)} GiB from a generated ${label}: ${figures.peakRssMB.toFixed(0)} MB (baseline ${figures.baselineRssMB.toFixed(0)} MB), ${figures.seconds.toFixed(1)} s; goal < 150 MB: ${figures.peakRssMB < 150 ? 'pass' : 'MISS'}`,
    );
  }
  console.log('wrote bench/results/upload.json');
} finally {
  storage.destroy();
  await rm(dir, { recursive: true, force: true });
  server.stop();
}

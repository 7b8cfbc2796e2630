/**
 * `studio import-prototype` as a user runs it: a prototype `models/` folder built in the reference's shapes (real
 * photos; a PNG stored as .jpg; zoneless timestamps; expired presigned URLs; a task whose file is missing), the dry-run
 * mapping table, the import with a consent file and a rights statement, importing again, and the journal and ledger
 * that `status` and `costs` read.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { S3Storage } from '@model-studio/storage-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, cliBin, ensureCliBuilt, runCli, samplesDir } from './helpers/cli-process.js';
import { keys, startPty } from './helpers/cli-pty.js';
import { listFiles, readJsonLines } from './helpers/cli-workspace.js';
import { repoRoot } from './helpers/repo.js';

/** A presigned URL as the prototype stored it: regional host, 7 days, signed on 2025-10-29 (long expired). */
function presigned(key: string): string {
  return `https://sar-workflow-1761724503.s3.us-east-2.amazonaws.com/${key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20251029T080501Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=00`;
}

/** The files of prototype model `sar`, in the local (`s3Layout: false`) or the bucket layout. */
async function prototypeSar(s3Layout: boolean): Promise<Record<string, Uint8Array | string>> {
  const photo = async (name: string) => new Uint8Array(await readFile(join(samplesDir, name)));
  const [face, faceTilted, coffee, camera, astronaut] = await Promise.all([
    photo('grace_hopper.jpg'),
    photo('targets/grace_hopper_tilt25.jpg'),
    photo('targets/coffee.jpg'),
    photo('targets/camera.png'),
    photo('targets/astronaut.png'),
  ]);
  const src = s3Layout ? 'originals/sources' : 'source';
  const tgt = s3Layout ? 'originals/targets' : 'targets';
  const result = (s: number, t: number, stage: string) =>
    `results/nsfw/source_${s}/${stage}/sar-s${s}-t${t}-nsfw-${stage}.jpg`;
  const files: Record<string, Uint8Array | string> = {
    [`${src}/sar-s1-original.jpg`]: face,
    [`${src}/sar-s2-original.jpg`]: faceTilted,
    [`${tgt}/nsfw/sar-s1-t1-nsfw-original.jpg`]: coffee,
    [`${tgt}/nsfw/sar-s1-t2-nsfw-original.jpg`]: camera, // a PNG under a .jpg name
    [`${tgt}/nsfw/sar-s2-t1-nsfw-original.jpg`]: coffee,
    [`${tgt}/nsfw/sar-s2-t2-nsfw-original.jpg`]: camera,
    [`${tgt}/nsfw/sar-t5-nsfw-original.jpg`]: astronaut,
    [result(1, 1, 'swapped')]: face,
    [result(1, 1, 'enhanced')]: faceTilted,
    [result(2, 5, 'swapped')]: faceTilted,
  };
  const caption = 'sar woman, grey hair, uniform, portrait, photorealistic, 8k resolution, high detail';
  files[`${s3Layout ? 'sar/' : ''}results/nsfw/source_1/enhanced/sar-s1-t1-nsfw-enhanced.txt`] = caption;
  if (s3Layout) return files;
  const done = (job: string, at: string, key: string) => ({
    completed: true,
    timestamp: at,
    result: { job_id: job, local_path: `models/sar/${key}`, s3_url: presigned(key) },
  });
  const pending = { completed: false, timestamp: null };
  files['progress.json'] = JSON.stringify({
    model_name: 'sar',
    created_at: '2025-10-29T08:02:10.1',
    last_updated: '2025-10-29T09:19:45.5',
    stages: { upload: pending, swap: pending, enhance: pending, caption: pending },
    tasks: {
      nsfw_s1_t1: {
        source_id: 1,
        target_id: 1,
        content_type: 'nsfw',
        swap: done('nn97w9', '2025-10-29T08:05:01.2', result(1, 1, 'swapped')),
        enhance: done('74raaGyqsA4KtG-2hH6tK', '2025-10-29T08:06:11.7', result(1, 1, 'enhanced')),
      },
      nsfw_s2_t5: {
        source_id: 2,
        target_id: 5,
        content_type: 'nsfw',
        swap: done('k2p7q', '2025-10-29T08:10:00.1', result(2, 5, 'swapped')),
      },
      nsfw_s2_t2: {
        source_id: 2,
        target_id: 2,
        content_type: 'nsfw',
        swap: done('gone22', '2025-10-29T08:12:00.1', result(2, 2, 'swapped')),
      },
    },
  });
  files['config.json'] = JSON.stringify({
    model_name: 'sar',
    created_at: '2025-10-29T07:55:03.837413',
    bucket_name: 'sar-workflow-1761724503',
  });
  return files;
}

async function writeTree(root: string, files: Record<string, Uint8Array | string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

const consentRecord = {
  subject: 'Sar (test subject)',
  adultAttested: true,
  attestedBy: 'e2e tests, ID checked',
  allowedRatings: ['sfw', 'nsfw'],
  allowedUses: ['swap'],
  obtainedAt: '2025-10-28T12:00:00.000Z',
  evidenceRef: 'consent/sar.pdf',
};

describe('studio import-prototype <folder>', () => {
  let dir: string;
  let models: string;
  let consentFile: string;
  const workspace = () => join(dir, 'studio-workspace');
  const cli = (args: string[]) => runCli(args, { cwd: dir });

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-proto-'));
    models = join(dir, 'ai', 'models');
    const files = await prototypeSar(false);
    await writeTree(join(models, 'sar'), files);
    consentFile = join(dir, 'consent.json');
    await writeFile(consentFile, JSON.stringify(consentRecord));
  }, 180_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the mapping table and every ambiguity with --dry-run, writing nothing', async () => {
    const result = await cli(['import-prototype', models, '--model', 'sar', '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/source\s+sar\/source\/sar-s1-original\.jpg\s+→\s+source\/sar-source-1\.jpg/);
    expect(result.stdout).toMatch(
      /target\s+sar\/targets\/nsfw\/sar-t5-nsfw-original\.jpg\s+→\s+targets\/nsfw\/sar-t003\.jpg/,
    );
    expect(result.stdout).toMatch(
      /result\s+sar\/results\/nsfw\/source_2\/swapped\/sar-s2-t5-nsfw-swapped\.jpg\s+→\s+results\/nsfw\/source_2\/swapped\/sar-s2-t003-nsfw-swapped\.jpg/,
    );
    for (const code of ['png-as-jpg', 'missing-file', 'expired-url', 'zoneless-timestamps']) {
      expect(result.stdout).toContain(`[${code}]`);
    }
    expect(await listFiles(workspace()).catch(() => [])).toEqual([]);
  });

  it('imports with a consent file and a rights statement; the PNG becomes a JPEG; again changes nothing', async () => {
    const args = ['--json', 'import-prototype', models, '--consent-file', consentFile];
    const first = await cli([...args, '--rights', 'licensed stock, licence 42', '--adults-consented']);
    expect(first.code, first.stderr).toBe(0);
    const [imported] = JSON.parse(first.stdout).results;
    expect(imported).toMatchObject({
      created: true,
      files: { written: 9, unchanged: 0, conflicts: 0 },
      stagesJournaled: 3,
      chargesRecorded: 4,
      consent: 'recorded',
      targetsWithoutProvenance: 0,
    });
    const png = await readFile(join(workspace(), 'models/sar/targets/nsfw/sar-t002.jpg'));
    expect([...png.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const files = await listFiles(join(workspace(), 'models', 'sar'));
    expect(files).toEqual(
      expect.arrayContaining([
        'source/sar-source-1.jpg',
        'source/sar-source-2.jpg',
        'targets/nsfw/sar-t001.jpg',
        'targets/nsfw/sar-t002.jpg',
        'targets/nsfw/sar-t003.jpg',
        'results/nsfw/source_1/swapped/sar-s1-t001-nsfw-swapped.jpg',
        'results/nsfw/source_1/enhanced/sar-s1-t001-nsfw-enhanced.jpg',
        'results/nsfw/source_1/enhanced/sar-s1-t001-nsfw-enhanced.txt',
        'results/nsfw/source_2/swapped/sar-s2-t003-nsfw-swapped.jpg',
      ]),
    );
    const captions = JSON.parse(await readFile(join(workspace(), 'models/sar/captions.json'), 'utf8'));
    expect(captions.images['sar-s1-t001-nsfw-enhanced.jpg'].versions).toEqual([
      expect.objectContaining({ state: 'generated', source: expect.objectContaining({ kind: 'imported' }) }),
    ]);
    const ledger = await readJsonLines(join(workspace(), 'models/sar/costs.jsonl'));
    expect(ledger.map((entry) => [entry.itemId, entry.jobId, entry.amount, entry.imported])).toEqual([
      ['sar:s1:t001:nsfw:swapped', 'nn97w9', 10, true],
      ['sar:s1:t001:nsfw:enhanced', '74raaGyqsA4KtG-2hH6tK', 2, true],
      ['sar:s2:t003:nsfw:swapped', 'k2p7q', 10, true],
      ['sar:s2:t002:nsfw:swapped', 'gone22', 10, true],
    ]);
    const journal = await readFile(join(workspace(), 'models/sar/progress.jsonl'), 'utf8');
    const again = await cli([...args]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).results[0]).toMatchObject({
      created: false,
      files: { written: 0, unchanged: 9 },
      stagesJournaled: 0,
      chargesRecorded: 0,
    });
    expect(await readFile(join(workspace(), 'models/sar/progress.jsonl'), 'utf8')).toBe(journal);
    expect(await readJsonLines(join(workspace(), 'models/sar/costs.jsonl'))).toHaveLength(4);
  });

  it('shows the imported stages as done in status and their charges in costs', async () => {
    const status = await cli(['--json', 'status', 'sar']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).status.stages.done).toBe(3);
    const costs = await cli(['costs', 'sar']);
    expect(costs.code, costs.stderr).toBe(0);
    expect(costs.stdout).toMatch(/32/);
  });

  it('asks for the consent at a terminal when the import has none, and records it', async () => {
    const env = cleanEnv();
    delete env.CI;
    const ws = join(dir, 'asked');
    const pty = startPty([process.execPath, cliBin, '--workspace', ws, 'import-prototype', models], { cwd: dir, env });
    try {
      await pty.waitFor('Imported');
      await pty.waitFor('Record the consent of the person model "sar" depicts now?');
      pty.write('y');
      await pty.waitFor('Subject name');
      pty.write('Sar Example\r');
      await pty.waitFor('Is the subject an adult');
      pty.write('y');
      await pty.waitFor('Attested by');
      pty.write('operator, ID checked\r');
      await pty.waitFor('Allowed ratings');
      pty.write(keys.down + keys.space + keys.enter);
      await pty.waitFor('Allowed uses');
      pty.write(keys.enter);
      await pty.waitFor('Evidence reference');
      pty.write('contracts/sar.pdf\r');
      await pty.waitFor('Consent recorded');
      expect(await pty.exited).toBe(0);
    } finally {
      pty.kill();
    }
    const config = JSON.parse(await readFile(join(ws, 'models', 'sar', 'config.json'), 'utf8'));
    expect(config.consent).toMatchObject({
      subject: 'Sar Example',
      adultAttested: true,
      evidenceRef: 'contracts/sar.pdf',
    });
  });

  it('refuses a folder and --s3 together, a missing folder, and a consent file that is not a consent record', async () => {
    const both = await cli(['import-prototype', models, '--s3', 'bucket']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/not both/);
    const missing = await cli(['import-prototype', join(dir, 'nope')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/does not exist/);
    const bad = join(dir, 'bad-consent.json');
    await writeFile(bad, JSON.stringify({ subject: 'x' }));
    const refused = await cli(['import-prototype', models, '--consent-file', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is not a consent record \(adultAttested/);
  });
});

const run = promisify(execFile);

/** S3 settings from S3_TEST_* (an S3 server of your own), else the repository's local Swift server, started if needed. */
async function s3Server(): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  const scripts = join(repoRoot, 'scripts', 's3-server');
  let values: Record<string, string | undefined> = process.env;
  let startedHere = false;
  if (!process.env.S3_TEST_ENDPOINT) {
    const { stdout, stderr } = await run('bash', [join(scripts, 'start.sh')], { timeout: 120_000 });
    startedHere = !stderr.includes('reusing');
    values = Object.fromEntries(
      stdout
        .split('\n')
        .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line.trim()))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => [match[1]!, match[2]!]),
    );
  }
  return {
    env: {
      S3_BUCKET: values.S3_TEST_BUCKET ?? 'model-studio-test',
      S3_REGION: values.S3_TEST_REGION ?? 'us-east-1',
      S3_ENDPOINT: values.S3_TEST_ENDPOINT ?? '',
      S3_ACCESS_KEY_ID: values.S3_TEST_ACCESS_KEY_ID ?? '',
      S3_SECRET_ACCESS_KEY: values.S3_TEST_SECRET_ACCESS_KEY ?? '',
      S3_FORCE_PATH_STYLE: 'true',
      S3_PREFIX: `cli-proto-ws-${randomBytes(4).toString('hex')}`,
    },
    stop: async () => {
      if (startedHere) await run('bash', [join(scripts, 'stop.sh')], { timeout: 60_000 });
    },
  };
}

describe('studio import-prototype --s3 <bucket>/<prefix> (the prototype’s bucket on a real S3 server)', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof s3Server>>;
  let bucket: S3Storage;
  let consentFile: string;
  const prefix = `cli-proto-bucket-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-proto-s3-'));
    server = await s3Server();
    const { env } = server;
    bucket = new S3Storage({
      bucket: env.S3_BUCKET!,
      prefix,
      region: env.S3_REGION!,
      endpoint: env.S3_ENDPOINT!,
      forcePathStyle: true,
      credentials: { accessKeyId: env.S3_ACCESS_KEY_ID!, secretAccessKey: env.S3_SECRET_ACCESS_KEY! },
    });
    // As S3Manager.upload_file stored them: originals/sources, originals/targets/<type>, results/..., and the
    // caption keys with the model folder in front (the bug fixed in 18bd22c).
    for (const [key, content] of Object.entries(await prototypeSar(true))) {
      const contentType = key.endsWith('.txt') ? 'text/plain' : 'image/jpeg';
      await bucket.put(key, typeof content === 'string' ? new TextEncoder().encode(content) : content, { contentType });
    }
    consentFile = join(dir, 'consent.json');
    await writeFile(consentFile, JSON.stringify(consentRecord));
  }, 180_000);

  afterAll(async () => {
    if (bucket) {
      try {
        const keys: string[] = [];
        for await (const object of bucket.list()) keys.push(object.key);
        if (keys.length > 0) await bucket.delete(keys);
      } catch (error) {
        console.warn(`Could not clean up s3://${server.env.S3_BUCKET}/${prefix}: ${(error as Error).message}`);
      }
      bucket.destroy();
    }
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports the bucket layout (no progress.json: done from the files, without job ids, reported), then again changes nothing', async () => {
    const env = cleanEnv(server.env);
    const args = ['--json', 'import-prototype', '--s3', `${server.env.S3_BUCKET}/${prefix}`, '--model', 'sar'];
    const first = await runCli(
      [...args, '--consent-file', consentFile, '--rights', 'licensed stock', '--adults-consented'],
      { cwd: dir, env },
    );
    expect(first.code, first.stderr).toBe(0);
    const output = JSON.parse(first.stdout);
    expect(output.from).toBe(`s3://${server.env.S3_BUCKET}/${prefix}`);
    const [imported] = output.results;
    expect(imported).toMatchObject({
      created: true,
      files: { written: 9, unchanged: 0, conflicts: 0 },
      stagesJournaled: 3,
      chargesRecorded: 3,
      consent: 'recorded',
      targetsWithoutProvenance: 0,
    });
    const issues = imported.plan.issues.map((issue: { code: string }) => issue.code);
    expect(issues).toEqual(expect.arrayContaining(['no-progress', 'png-as-jpg']));
    const files = await listFiles(join(dir, 'studio-workspace', 'models', 'sar'));
    expect(files).toEqual(
      expect.arrayContaining([
        'source/sar-source-2.jpg',
        'targets/nsfw/sar-t003.jpg',
        'results/nsfw/source_1/enhanced/sar-s1-t001-nsfw-enhanced.txt',
        'results/nsfw/source_2/swapped/sar-s2-t003-nsfw-swapped.jpg',
      ]),
    );
    expect(first.stdout + first.stderr).not.toContain(server.env.S3_SECRET_ACCESS_KEY!);
    const again = await runCli(args, { cwd: dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).results[0]).toMatchObject({
      files: { written: 0, unchanged: 9 },
      stagesJournaled: 0,
      chargesRecorded: 0,
    });
  });
});

describe('studio import-prototype killed half-way (SIGKILL)', () => {
  let dir: string;
  const TARGETS = 150;

  /** A big prototype model: 2 sources x 150 targets, every task swapped and enhanced (small stand-in files). */
  function bigTree(): Record<string, Uint8Array | string> {
    const files: Record<string, Uint8Array | string> = {
      'source/big-s1-original.jpg': 'source one',
      'source/big-s2-original.jpg': 'source two',
    };
    const tasks: Record<string, unknown> = {};
    for (let t = 1; t <= TARGETS; t++) files[`targets/sfw/big-t${t}-sfw-original.jpg`] = `target ${t}`;
    for (const s of [1, 2]) {
      for (let t = 1; t <= TARGETS; t++) {
        for (const stage of ['swapped', 'enhanced']) {
          files[`results/sfw/source_${s}/${stage}/big-s${s}-t${t}-sfw-${stage}.jpg`] = `result ${s} ${t} ${stage}`;
        }
        const done = (job: string) => ({
          completed: true,
          timestamp: '2025-10-29T08:05:01.2',
          result: { job_id: job },
        });
        tasks[`sfw_s${s}_t${t}`] = {
          source_id: s,
          target_id: t,
          content_type: 'sfw',
          swap: done(`s${s}t${t}`),
          enhance: done(`e${s}t${t}`),
        };
      }
    }
    files['progress.json'] = JSON.stringify({ model_name: 'big', tasks });
    return files;
  }

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-proto-kill-'));
    await writeTree(join(dir, 'models', 'big'), bigTree());
  }, 180_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('continues to the same end state as an import that was never stopped', async () => {
    const killed = join(dir, 'killed');
    const child = spawn(process.execPath, [cliBin, '--workspace', killed, 'import-prototype', join(dir, 'models')], {
      cwd: dir,
      env: cleanEnv(),
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    // Kill it once some results are stored: half-way through the files, before its journal is complete.
    const results = join(killed, 'models', 'big', 'results');
    for (let i = 0; i < 600; i++) {
      const stored = await listFiles(results).catch(() => []);
      if (stored.length >= 40 || child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const stopped = await listFiles(join(killed, 'models', 'big'));
    expect(stopped.length).toBeLessThan(2 + TARGETS + 4 * TARGETS);
    const resumed = await runCli(['--json', '--workspace', killed, 'import-prototype', join(dir, 'models')], {
      cwd: dir,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    const clean = join(dir, 'clean');
    const fresh = await runCli(['--json', '--workspace', clean, 'import-prototype', join(dir, 'models')], { cwd: dir });
    expect(fresh.code, fresh.stderr).toBe(0);
    // A write the kill cut short may leave LocalStorage's hidden temp file (`.ms-tmp-<pid>-...`, never listed by it).
    const visible = async (root: string) =>
      (await listFiles(join(root, 'models'))).filter((path) => !path.split('/').pop()!.startsWith('.ms-tmp-'));
    expect(await visible(killed)).toEqual(await visible(clean));
    const stages = async (root: string) => {
      const status = await runCli(['--json', '--workspace', root, 'status', 'big'], { cwd: dir });
      return JSON.parse(status.stdout).status.stages;
    };
    expect(await stages(killed)).toEqual(await stages(clean));
    expect((await stages(clean)).done).toBe(4 * TARGETS);
    const charges = async (root: string) =>
      (await readJsonLines(join(root, 'models', 'big', 'costs.jsonl')))
        .map((entry) => `${entry.itemId} ${entry.jobId}`)
        .sort();
    expect(await charges(killed)).toEqual(await charges(clean));
    expect(await charges(clean)).toHaveLength(4 * TARGETS);
  });
});

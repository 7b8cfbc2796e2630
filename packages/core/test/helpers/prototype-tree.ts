/**
 * Builds Python-prototype trees on disk in the exact shapes of shared/reference/prototype-tree.md (master.py@b56bc79):
 * `models/<m>/{config.json, progress.json, source/, targets/<type>/, results/<type>/source_<n>/{swapped,enhanced}/}`,
 * with zoneless timestamps, presigned s3_urls expired long ago, targets copied once per source, a later target named
 * `{m}-t{n}-{type}-original.jpg`, and the legacy layout of the first model. Images are core's mock images (what the
 * mock adapters read), so a run after the import can be checked with them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { mockImage } from '@model-studio/core/testing';

/** A mock photo showing `identity`, made distinct by `label`. */
export function protoPhoto(identity: string, label: string): Uint8Array {
  return mockImage({ width: 1200, height: 1600, faces: [{ identity }], label });
}

/** Bytes that start like a PNG (the prototype copied PNGs under `.jpg` names without converting them). */
export function pngBytes(label: string): Uint8Array {
  const head = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const body = new TextEncoder().encode(`IHDR ${label}`);
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head);
  bytes.set(body, head.length);
  return bytes;
}

/** A presigned URL as S3Manager.upload_file returned it (regional host, 7 days, signed on 2025-10-29). */
export function presignedUrl(bucket: string, key: string): string {
  return (
    `https://${bucket}.s3.us-east-2.amazonaws.com/${key}?X-Amz-Algorithm=AWS4-HMAC-SHA256` +
    '&X-Amz-Credential=AKIAEXAMPLE%2F20251029%2Fus-east-2%2Fs3%2Faws4_request&X-Amz-Date=20251029T080501Z' +
    '&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=0123abcd'
  );
}

/** Writes `files` (path relative to `root` → bytes or text). */
export async function writeTree(root: string, files: Record<string, Uint8Array | string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, ...path.split('/'));
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

type Stage = { job: string; at: string; localPath: string; s3?: string } | undefined;

/** A `progress.json` task as progress.py writes it. */
function task(model: string, type: string, s: number, t: number, swap: Stage, enhance: Stage, caption?: string) {
  const entry: Record<string, unknown> = { source_id: s, target_id: t, content_type: type };
  if (swap) {
    entry.swap = {
      completed: true,
      timestamp: swap.at,
      result: {
        job_id: swap.job,
        result_url: `https://cdn.deepswapper.com/file/deep-swapper/swaps/image/${swap.job}.jpg`,
        local_path: swap.localPath,
        s3_url: swap.s3 ?? null,
      },
    };
  }
  if (enhance) {
    entry.enhance = {
      completed: true,
      timestamp: enhance.at,
      result: { job_id: enhance.job, local_path: enhance.localPath, s3_url: enhance.s3 ?? null },
    };
  }
  if (caption) {
    entry.caption = {
      completed: true,
      timestamp: '2025-10-29T08:40:00.5',
      result: {
        caption_preview: `${caption.slice(0, 100)}...`,
        local_path: `models/${model}/results/${type}/source_${s}/enhanced/${model}-s${s}-t${t}-${type}-enhanced.txt`,
        s3_url: null,
        caption_length: caption.length,
      },
    };
  }
  return entry;
}

/** What {@link sarModel} put where, for assertions. */
export const sar = {
  bucket: 'sar-workflow-1761724503',
  caption: 'sar woman, brown hair, sitting on a bench, park, daylight, photorealistic, 8k resolution, high detail',
  /** Prototype target contents: A, B, C copied per source; D added later as `sar-t5-nsfw-original.jpg`. */
  targets: {
    A: protoPhoto('stand-in', 'target A'),
    B: protoPhoto('stand-in', 'target B'),
    C: protoPhoto('stand-in', 'target C'),
    D: protoPhoto('stand-in', 'target D'),
  },
};

/**
 * The files of model `sar` (relative to its folder): 2 sources; nsfw targets A, B, C copied once per source (listing
 * ids 1-6) and D added later (`sar-t5-...`, listing id 7); a PNG under a .jpg name in sfw; results for tasks
 * s1_t1 (with caption), s1_t3, s1_t7 (swap only) and s2_t4, a result for a target id that does not exist (t9), a
 * duplicate (s2_t1 is s2_t4's target A again), and progress.json with zoneless times, expired URLs, a task whose file
 * is missing (s2_t2) and a task on a target that does not exist (s1_t9).
 */
export function sarModel(options: { s3Layout?: boolean } = {}): Record<string, Uint8Array | string> {
  const m = 'sar';
  const { A, B, C, D } = sar.targets;
  const src = options.s3Layout ? 'originals/sources' : 'source';
  const tgt = options.s3Layout ? 'originals/targets' : 'targets';
  const result = (s: number, t: number, stage: string) =>
    `results/nsfw/source_${s}/${stage}/${m}-s${s}-t${t}-nsfw-${stage}.jpg`;
  const swapped = (s: number, label: string) => protoPhoto('sar', `swap s${s} ${label}`);
  const files: Record<string, Uint8Array | string> = {
    [`${src}/sar-s1-original.jpg`]: protoPhoto('sar', 'source 1'),
    [`${src}/sar-s2-original.jpg`]: protoPhoto('sar', 'source 2'),
    [`${tgt}/nsfw/sar-s1-t1-nsfw-original.jpg`]: A,
    [`${tgt}/nsfw/sar-s1-t2-nsfw-original.jpg`]: B,
    [`${tgt}/nsfw/sar-s1-t3-nsfw-original.jpg`]: C,
    [`${tgt}/nsfw/sar-s2-t1-nsfw-original.jpg`]: A,
    [`${tgt}/nsfw/sar-s2-t2-nsfw-original.jpg`]: B,
    [`${tgt}/nsfw/sar-s2-t3-nsfw-original.jpg`]: C,
    [`${tgt}/nsfw/sar-t5-nsfw-original.jpg`]: D,
    [`${tgt}/sfw/sar-t1-sfw-original.jpg`]: pngBytes('sfw target stored as .jpg'),
    [result(1, 1, 'swapped')]: swapped(1, 'A'),
    [result(1, 1, 'enhanced')]: swapped(1, 'A enhanced'),
    [result(1, 3, 'swapped')]: swapped(1, 'C'),
    [result(1, 3, 'enhanced')]: swapped(1, 'C enhanced'),
    [result(1, 7, 'swapped')]: swapped(1, 'D'),
    [result(2, 4, 'swapped')]: swapped(2, 'A'),
    [result(2, 4, 'enhanced')]: swapped(2, 'A enhanced'),
    [result(2, 1, 'swapped')]: swapped(2, 'A again'),
    [result(1, 9, 'swapped')]: swapped(1, 'unknown target'),
  };
  const captionKey = `results/nsfw/source_1/enhanced/${m}-s1-t1-nsfw-enhanced.txt`;
  // The prototype's S3 caption keys had the model folder in front (a bug fixed in 18bd22c).
  files[options.s3Layout ? `${m}/${captionKey}` : captionKey] = sar.caption;
  if (options.s3Layout) return files;
  const stage = (job: string, at: string, s: number, t: number, kind: string): Stage => {
    const key = result(s, t, kind);
    return { job, at, localPath: `models/${m}/${key}`, s3: presignedUrl(sar.bucket, key) };
  };
  const tasks = {
    nsfw_s1_t1: task(
      m,
      'nsfw',
      1,
      1,
      stage('nn97w9', '2025-10-29T08:05:01.2', 1, 1, 'swapped'),
      stage('74raaGyqsA4KtG-2hH6tK', '2025-10-29T08:06:11.734', 1, 1, 'enhanced'),
      sar.caption,
    ),
    nsfw_s1_t3: task(
      m,
      'nsfw',
      1,
      3,
      stage('k2p7q', '2025-10-29T08:10:00.1', 1, 3, 'swapped'),
      stage('Zq81Lm0aPf4KtG-2hH6tB', '2025-10-29T08:11:00.2', 1, 3, 'enhanced'),
    ),
    nsfw_s1_t7: task(m, 'nsfw', 1, 7, stage('x81mq', '2025-10-29T08:15:00.3', 1, 7, 'swapped'), undefined),
    nsfw_s2_t4: task(
      m,
      'nsfw',
      2,
      4,
      stage('p0o9i8', '2025-10-29T08:20:00.4', 2, 4, 'swapped'),
      stage('Lm0aPf4KtG-2hH6tK81Zq', '2025-10-29T08:21:00.5', 2, 4, 'enhanced'),
    ),
    nsfw_s2_t2: task(m, 'nsfw', 2, 2, stage('gone22', '2025-10-29T08:25:00.6', 2, 2, 'swapped'), undefined),
    nsfw_s1_t9: task(m, 'nsfw', 1, 9, stage('far999', '2025-10-29T08:30:00.7', 1, 9, 'swapped'), undefined),
    nsfw_s2_t3: task(m, 'nsfw', 2, 3, undefined, undefined),
  };
  const pending = { completed: false, timestamp: null };
  files['progress.json'] = JSON.stringify(
    {
      model_name: m,
      created_at: '2025-10-29T08:02:10.1',
      last_updated: '2025-10-29T09:19:45.5',
      stages: { upload: pending, swap: pending, enhance: pending, caption: pending },
      tasks,
    },
    null,
    2,
  );
  files['config.json'] = JSON.stringify(
    {
      model_name: m,
      created_at: '2025-10-29T07:55:03.837413',
      bucket_name: sar.bucket,
      settings: { enhancement_level: 2, auto_upload_s3: true, keep_intermediate: true },
      sources: [
        { id: 1, filename: 'sar-s1-original.jpg', original_name: 'sar-s1-original.jpg' },
        { id: 2, filename: 'sar-s2-original.jpg', original_name: 'sar-s2-original.jpg' },
      ],
      processing_history: {
        nsfw: { targets_processed: 14, last_run: '2025-10-29T09:19:45.540145' },
        sfw: { targets_processed: 0 },
      },
    },
    null,
    2,
  );
  return files;
}

/** The legacy layout of the prototype's first model (`andie`, pre-CLI scripts): no progress.json. */
export function andieModel(): Record<string, Uint8Array | string> {
  return {
    'config.json': JSON.stringify({ model_name: 'andie', created_at: '2025-10-28T23:26:04Z' }, null, 2),
    'source/andie_source.jpg': protoPhoto('andie', 'andie source'),
    'targets/nsfw/001.jpg': protoPhoto('stand-in', 'andie target 1'),
    'targets/nsfw/002.jpg': protoPhoto('stand-in', 'andie target 2'),
    'targets/nsfw/003.jpg': protoPhoto('stand-in', 'andie target 3'),
    'results/nsfw/source_1/swapped/andie_nsfw_001.jpg': protoPhoto('andie', 'andie swap 1'),
    'results/nsfw/source_1/swapped/andie_nsfw_003.jpg': protoPhoto('andie', 'andie swap 3'),
    'results/nsfw/source_1/enhanced/andie_nsfw_001_enhanced.jpg': protoPhoto('andie', 'andie enhanced 1'),
  };
}

/** Model `jade` with a torn `progress.json` (the prototype rewrote it in place). */
export function jadeModel(): Record<string, Uint8Array | string> {
  return {
    'source/jade-s1-original.jpg': protoPhoto('jade', 'jade source'),
    'targets/sfw/jade-s1-t1-sfw-original.jpg': protoPhoto('stand-in', 'jade target'),
    'results/sfw/source_1/swapped/jade-s1-t1-sfw-swapped.jpg': protoPhoto('jade', 'jade swap'),
    'progress.json':
      '{"model_name": "jade", "created_at": "2025-10-29T05:10:00.1", "tasks": {"sfw_s1_t1": {"source_id": 1, "tar',
  };
}

/** A prototype `models/` folder with sar, andie and jade (and the dataset zip prepare_lora_dataset.py leaves there). */
export async function writePrototypeModels(root: string): Promise<void> {
  const prefixed = (model: string, files: Record<string, Uint8Array | string>) =>
    Object.fromEntries(Object.entries(files).map(([path, content]) => [`${model}/${path}`, content]));
  await writeTree(root, {
    ...prefixed('sar', sarModel()),
    ...prefixed('andie', andieModel()),
    ...prefixed('jade', jadeModel()),
    'sar_lora_dataset.zip': 'PK\u0003\u0004',
  });
}

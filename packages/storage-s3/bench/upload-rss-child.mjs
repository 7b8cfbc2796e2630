// Child process of upload.bench.mjs: streams a generated body of BENCH_BYTES to S3 with S3Storage's defaults and
// prints its own peak RSS (sampled every 10 ms), so the figure is ours alone.
// BENCH_STREAM=bytes: a byte stream (type 'bytes', filled through BYOB requests: what fetch bodies and
// FileHandle.readableWebStream({ type: 'bytes' }) are); otherwise a default stream enqueuing a fresh 1 MiB chunk per pull
// (what Readable.toWeb(fs.createReadStream()) is).
import { S3Storage } from '@model-studio/storage-s3';

const total = Number(process.env.BENCH_BYTES);
const storage = new S3Storage({
  bucket: process.env.S3_TEST_BUCKET,
  endpoint: process.env.S3_TEST_ENDPOINT,
  region: process.env.S3_TEST_REGION,
  credentials: {
    accessKeyId: process.env.S3_TEST_ACCESS_KEY_ID,
    secretAccessKey: process.env.S3_TEST_SECRET_ACCESS_KEY,
  },
  ...(process.env.BENCH_QUEUE_SIZE ? { queueSize: Number(process.env.BENCH_QUEUE_SIZE) } : {}),
  ...(process.env.BENCH_PART_MB ? { partSize: Number(process.env.BENCH_PART_MB) * 1024 * 1024 } : {}),
});
const pattern = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) & 0xff);
let sent = 0;
const body =
  process.env.BENCH_STREAM === 'bytes'
    ? new ReadableStream({
        type: 'bytes',
        autoAllocateChunkSize: 1024 * 1024,
        pull(controller) {
          if (sent >= total) {
            controller.close();
            controller.byobRequest?.respond(0);
            return;
          }
          const request = controller.byobRequest;
          const view = request.view;
          const n = Math.min(view.byteLength, total - sent, pattern.byteLength);
          new Uint8Array(view.buffer, view.byteOffset, n).set(pattern.subarray(0, n));
          sent += n;
          request.respond(n);
        },
      })
    : new ReadableStream({
        pull(controller) {
          if (sent >= total) return controller.close();
          const next = pattern.slice(0, Math.min(pattern.byteLength, total - sent));
          sent += next.byteLength;
          controller.enqueue(next);
        },
      });
const baselineRss = process.memoryUsage.rss();
let peakRss = baselineRss;
const timer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 10);
const started = performance.now();
const put = await storage.put(process.env.BENCH_KEY, body);
const seconds = (performance.now() - started) / 1000;
clearInterval(timer);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
await storage.delete(process.env.BENCH_KEY);
storage.destroy();
if (put.size !== total) throw new Error(`uploaded ${put.size} bytes, expected ${total}`);
process.stdout.write(
  JSON.stringify({ baselineRss, peakRss, seconds, partSize: storage.partSize, queueSize: storage.queueSize }),
);

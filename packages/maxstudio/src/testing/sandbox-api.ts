import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { BoundingBox, FaceDetector } from '@model-studio/core';
import { maxImageBytes } from '../image-limits.js';
import { downloadImage } from './download-image.js';
import type { FaultPlan, FaultRule, SandboxRoute } from './fault-plan.js';
import { decodableSize } from './sandbox-images.js';
import type { SandboxJobInput, SandboxJobs } from './sandbox-jobs.js';
import type { SandboxJobDuration, SandboxOperation } from './sandbox-options.js';
import { maxSandboxVideoBytes, SandboxVideoApi, videoContainer } from './sandbox-video-api.js';
import { type Answer, badRequest, bodies, isBox, isRecord, readBody } from './sandbox-wire.js';

/** What {@link SandboxApi} answers with. */
export interface SandboxApiContext {
  detector: FaceDetector;
  prices: Record<SandboxOperation, number>;
  durations: Record<SandboxOperation, SandboxJobDuration>;
  downloadTimeout: number;
  unknownJobHttpStatus: number;
  jobs: SandboxJobs;
  /** The fault plan in force (for `insufficientCreditsAfter`). */
  faultPlan: () => FaultPlan;
  /** The sandbox's base URL (result URLs are on it). */
  baseUrl: () => string;
}

/** What a charge keeps of an image URL: its path, never its query (a signed URL's secret is there). */
const urlPath = (url: string): string => new URL(url).pathname;
/** What a charge keeps of an image sent as base64: the hash of its bytes. */
const bytesHash = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A file the sandbox serves under `/results/`. */
export interface SandboxResultFile {
  contentType: string;
  bytes: Uint8Array;
}

/** The sandbox's API: answers detection, submissions and polls as MaxStudio does (faults aside). */
export class SandboxApi {
  private readonly video: SandboxVideoApi;

  constructor(private readonly context: SandboxApiContext) {
    this.video = new SandboxVideoApi({
      downloadImages: (urls) => this.download(urls),
      downloadVideo: (url) => this.downloadVideo(url),
      accept: (video, newFaces, described, rule) =>
        this.accept({ operation: 'video-swap', video, newFaces }, described, rule),
      baseUrl: context.baseUrl,
    });
  }

  /** A file under `/results/`: a swap's output, a video swap's output, preview or thumbnail, a detected video face. */
  async result(path: string, jobId: string | undefined): Promise<SandboxResultFile | undefined> {
    if (path.startsWith('/results/faces/')) {
      const face = await this.video.face(path);
      return face && { contentType: 'image/jpeg', bytes: face };
    }
    const job = jobId === undefined ? undefined : this.context.jobs.get(jobId);
    const output = job && (await this.context.jobs.output(job));
    if (!job || !output) return undefined;
    const name = path.slice('/results/'.length);
    const id = encodeURIComponent(job.id);
    if (job.operation !== 'video-swap')
      return name === `${id}.jpg` ? { contentType: 'image/jpeg', bytes: output } : undefined;
    if (name === `${id}-thumbnail.jpg`) return { contentType: 'image/jpeg', bytes: await this.video.thumbnail() };
    const container = videoContainer(output) ?? 'mp4';
    if (name !== `${id}.${container}` && name !== `${id}-preview.${container}`) return undefined;
    return { contentType: container === 'webm' ? 'video/webm' : 'video/mp4', bytes: output };
  }

  /** The answer to an API request on `route` (the key already checked), given the fault drawn for it. */
  async answer(
    route: SandboxRoute,
    jobId: string | undefined,
    request: IncomingMessage,
    rule: FaultRule | undefined,
  ): Promise<Answer> {
    if (route === 'swap-status' && jobId !== undefined) return this.poll('swap', jobId, rule);
    if (route === 'enhance-status' && jobId !== undefined) return this.poll('enhance', jobId, rule);
    if (route === 'video-swap-status' && jobId !== undefined) return this.poll('video-swap', jobId, rule);
    const raw = await readBody(request);
    if (raw === undefined) return { status: 400, body: bodies.tooLarge };
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return badRequest('Invalid JSON body');
    }
    if (!isRecord(body)) return badRequest('Invalid JSON body');
    if (route === 'detect') return this.detect(body);
    if (route === 'swap') return this.swap(body, rule);
    if (route === 'detect-video') return this.video.detect(body);
    if (route === 'video-swap') return this.video.swap(body, rule);
    const answer = await this.enhance(body, rule);
    return 'upscale' in body ? { ...answer, upscale: body.upscale } : answer;
  }

  private async download(urls: string[]): Promise<Uint8Array[] | Answer> {
    if (urls.some((url) => url.startsWith('data:'))) return { status: 500, body: bodies.internal };
    if (urls.some((url) => !/^https?:\/\//i.test(url))) return badRequest('Invalid image URL');
    const results = await Promise.all(
      [...new Set(urls)].map(async (url) => [url, await downloadImage(url, this.context.downloadTimeout)] as const),
    );
    const byUrl = new Map(results);
    const images: Uint8Array[] = [];
    for (const url of urls) {
      const result = byUrl.get(url);
      if (!result?.ok)
        return result?.tooLarge ? { status: 400, body: bodies.tooLarge } : badRequest('Failed to download image');
      if (!(await decodableSize(result.bytes))) return badRequest('Invalid image');
      images.push(result.bytes);
    }
    return images;
  }

  private async downloadVideo(url: string): Promise<Uint8Array | Answer> {
    if (url.startsWith('data:')) return { status: 500, body: bodies.internal };
    if (!/^https?:\/\//i.test(url)) return badRequest('Invalid video URL');
    const result = await downloadImage(url, this.context.downloadTimeout, maxSandboxVideoBytes);
    if (!result.ok)
      return result.tooLarge ? { status: 400, body: bodies.videoTooLarge } : badRequest('Failed to download video');
    if (!videoContainer(result.bytes)) return badRequest('Invalid video');
    return result.bytes;
  }

  /** Accepts a job; `described` says what each input image was (see `SandboxCharge.inputs`). */
  private async accept(input: SandboxJobInput, described: string[], rule: FaultRule | undefined): Promise<Answer> {
    const { jobs, prices, durations } = this.context;
    const { operation } = input;
    const scripted = rule?.kind === 'job-fails' ? 'fail' : rule?.kind === 'job-never-finishes' ? 'hang' : undefined;
    const { insufficientCreditsAfter } = this.context.faultPlan();
    const price = prices[operation];
    const job = await jobs.accept(price, durations[operation], scripted, input, insufficientCreditsAfter, described);
    if (!job) return { status: 402, body: bodies.noCredits };
    return { status: 200, body: { jobId: job.id }, jobId: job.id };
  }

  private async detect(body: Record<string, unknown>): Promise<Answer> {
    if (typeof body.imageUrl !== 'string') return badRequest('imageUrl is required');
    const images = await this.download([body.imageUrl]);
    if (!Array.isArray(images)) return images;
    const [image] = images;
    const faces = image ? await this.context.detector.detectFaces({ bytes: image }) : [];
    const detectedFaces = faces.map(({ box }) => ({
      x: Math.round(box.x),
      y: Math.round(box.y),
      width: Math.round(box.width),
      height: Math.round(box.height),
    }));
    return { status: 200, body: { detectedFaces } };
  }

  private async swap(body: Record<string, unknown>, rule: FaultRule | undefined): Promise<Answer> {
    if (typeof body.mediaUrl !== 'string') return badRequest('mediaUrl is required');
    if (!Array.isArray(body.faces) || body.faces.length === 0) return badRequest('faces is required');
    const boxes: BoundingBox[] = [];
    const sourceUrls: string[] = [];
    for (const face of body.faces) {
      if (!isRecord(face) || !isBox(face.originalFace))
        return badRequest('originalFace must have x, y, width and height');
      if (typeof face.newFace !== 'string') return badRequest('newFace must be an image URL');
      boxes.push(face.originalFace);
      sourceUrls.push(face.newFace);
    }
    const images = await this.download([body.mediaUrl, ...sourceUrls]);
    if (!Array.isArray(images)) return images;
    const [target, ...sources] = images;
    if (!target) return badRequest('Failed to download image');
    const described = [body.mediaUrl, ...sourceUrls].map(urlPath);
    return this.accept({ operation: 'swap', target, sources, boxes }, described, rule);
  }

  private async enhance(body: Record<string, unknown>, rule: FaultRule | undefined): Promise<Answer> {
    if (typeof body.image !== 'string' || body.image === '') return badRequest('image is required');
    if (body.image.startsWith('data:')) return { status: 500, body: bodies.internal };
    const bytes = Buffer.from(body.image, 'base64');
    if (bytes.byteLength > maxImageBytes) return { status: 400, body: bodies.tooLarge };
    if (!(await decodableSize(bytes))) return badRequest('Invalid image');
    // Whether the real API reads `upscale` is unconfirmed; the sandbox honours 2 and 4 (absent: 2) and refuses others.
    const upscale = body.upscale === undefined ? 2 : body.upscale;
    if (upscale !== 2 && upscale !== 4) return badRequest('upscale must be 2 or 4');
    return this.accept({ operation: 'enhance', image: bytes, upscale }, [bytesHash(bytes)], rule);
  }

  private unknownJob(jobId: string, httpStatus: number = this.context.unknownJobHttpStatus): Answer {
    return httpStatus === 404
      ? { status: 404, body: bodies.unknownJob404, jobId }
      : { status: 200, body: bodies.unknownJob, jobId };
  }

  private async poll(operation: SandboxOperation, jobId: string, rule: FaultRule | undefined): Promise<Answer> {
    if (rule?.kind === 'job-not-found') return this.unknownJob(jobId, rule.status);
    const { jobs } = this.context;
    const job = jobs.get(jobId);
    if (!job || job.operation !== operation) return this.unknownJob(jobId);
    const status = jobs.status(job);
    if (status !== 'completed') return { status: 200, body: { status }, jobId };
    if (operation === 'swap') {
      const mediaUrl = `${this.context.baseUrl()}/results/${encodeURIComponent(job.id)}.jpg`;
      return { status: 200, body: { status, result: { mediaUrl } }, jobId };
    }
    const output = await jobs.output(job);
    if (!output) return { status: 200, body: { status: 'running' }, jobId };
    if (operation === 'video-swap')
      return { status: 200, body: { status, result: this.video.result(job.id, output) }, jobId };
    return { status: 200, body: { status, result: Buffer.from(output).toString('base64') }, jobId };
  }
}

import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { BoundingBox, FaceDetector } from '@model-studio/core';
import { maxImageBytes } from '../image-limits.js';
import { downloadImage } from './download-image.js';
import type { FaultPlan, FaultRule, SandboxRoute } from './fault-plan.js';
import { decodableSize } from './sandbox-images.js';
import type { SandboxJobInput, SandboxJobs } from './sandbox-jobs.js';
import type { SandboxJobDuration } from './sandbox-options.js';
import { type Answer, badRequest, bodies, isBox, isRecord, readBody } from './sandbox-wire.js';

/** What {@link SandboxApi} answers with. */
export interface SandboxApiContext {
  detector: FaceDetector;
  prices: Record<'swap' | 'enhance', number>;
  durations: Record<'swap' | 'enhance', SandboxJobDuration>;
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

/** The sandbox's API: answers detection, submissions and polls as MaxStudio does (faults aside). */
export class SandboxApi {
  constructor(private readonly context: SandboxApiContext) {}

  /** The answer to an API request on `route` (the key already checked), given the fault drawn for it. */
  async answer(
    route: SandboxRoute,
    jobId: string | undefined,
    request: IncomingMessage,
    rule: FaultRule | undefined,
  ): Promise<Answer> {
    if (route === 'swap-status' && jobId !== undefined) return this.poll('swap', jobId, rule);
    if (route === 'enhance-status' && jobId !== undefined) return this.poll('enhance', jobId, rule);
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
    return this.enhance(body, rule);
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
    return this.accept({ operation: 'enhance', image: bytes }, [bytesHash(bytes)], rule);
  }

  private unknownJob(jobId: string, httpStatus: number = this.context.unknownJobHttpStatus): Answer {
    return httpStatus === 404
      ? { status: 404, body: bodies.unknownJob404, jobId }
      : { status: 200, body: bodies.unknownJob, jobId };
  }

  private async poll(operation: 'swap' | 'enhance', jobId: string, rule: FaultRule | undefined): Promise<Answer> {
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
    return { status: 200, body: { status, result: Buffer.from(output).toString('base64') }, jobId };
  }
}

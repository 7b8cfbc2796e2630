import { randomUUID } from 'node:crypto';
import type { FaultRule } from './fault-plan.js';
import { sandboxPicture } from './sandbox-images.js';
import { type Answer, badRequest, isRecord } from './sandbox-wire.js';

/** The largest video the sandbox downloads (its own limit: no limit of the real API is known). */
export const maxSandboxVideoBytes = 50 * 1024 * 1024;

/** What the video routes need from the rest of the sandbox. */
export interface SandboxVideoContext {
  /** Downloads image URLs (5 MB each, decodable), or answers why not. */
  downloadImages: (urls: string[]) => Promise<Uint8Array[] | Answer>;
  /** Downloads a video URL (up to {@link maxSandboxVideoBytes}), or answers why not. */
  downloadVideo: (url: string) => Promise<Uint8Array | Answer>;
  /** Accepts and charges a video swap job. */
  accept: (
    video: Uint8Array,
    newFaces: Uint8Array[],
    described: string[],
    rule: FaultRule | undefined,
  ) => Promise<Answer>;
  baseUrl: () => string;
}

/** The container a video's first bytes say it is: MP4/MOV (`ftyp` box) or WebM/Matroska (EBML), else `undefined`. */
export function videoContainer(bytes: Uint8Array): 'mp4' | 'webm' | undefined {
  if (bytes.byteLength >= 12 && Buffer.from(bytes.subarray(4, 8)).toString('latin1') === 'ftyp') return 'mp4';
  if (bytes.byteLength >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)
    return 'webm';
  return undefined;
}

const urlPath = (url: string): string => new URL(url).pathname;

/**
 * The sandbox's video routes: `POST /detect-face-video` and `POST /video-swap` (polled at `GET /video-swap/{jobId}` by
 * the main API). The sandbox does not decode video: it checks that the file is an MP4/MOV or WebM container, reports
 * one face per video (a picture it draws, marked SANDBOX), and a video swap's output is the target video unchanged.
 * Detections (`swapId`s) live in memory.
 */
export class SandboxVideoApi {
  private readonly detections = new Map<string, { faces: string[] }>();
  private facePicture: Promise<Uint8Array> | undefined;
  private thumbnailPicture: Promise<Uint8Array> | undefined;

  constructor(private readonly context: SandboxVideoContext) {}

  /** `POST /detect-face-video` `{"videoUrl"}`: `{"swapId", "detectedFaces": ["<face image url>"]}`. */
  async detect(body: Record<string, unknown>): Promise<Answer> {
    if (typeof body.videoUrl !== 'string') return badRequest('videoUrl is required');
    const video = await this.context.downloadVideo(body.videoUrl);
    if (!(video instanceof Uint8Array)) return video;
    const swapId = randomUUID();
    const faces = [`${this.context.baseUrl()}/results/faces/${swapId}-1.jpg`];
    this.detections.set(swapId, { faces });
    return { status: 200, body: { swapId, detectedFaces: faces } };
  }

  /** `POST /video-swap` `{"mediaUrl", "faces": [{"originalFace": "<url>", "newFace": "<url>"}], "swapId"}`: `{"jobId"}`. */
  async swap(body: Record<string, unknown>, rule: FaultRule | undefined): Promise<Answer> {
    if (typeof body.mediaUrl !== 'string') return badRequest('mediaUrl is required');
    if (typeof body.swapId !== 'string' || body.swapId === '') return badRequest('swapId is required');
    const detection = this.detections.get(body.swapId);
    if (!detection) return badRequest('swapId not found: detect the faces of the video first');
    if (!Array.isArray(body.faces) || body.faces.length === 0) return badRequest('faces is required');
    const newFaceUrls: string[] = [];
    for (const face of body.faces) {
      if (!isRecord(face) || typeof face.originalFace !== 'string' || typeof face.newFace !== 'string')
        return badRequest('originalFace and newFace must be image URLs');
      if (!detection.faces.includes(face.originalFace))
        return badRequest('originalFace must be a face URL returned by /detect-face-video for this swapId');
      newFaceUrls.push(face.newFace);
    }
    const video = await this.context.downloadVideo(body.mediaUrl);
    if (!(video instanceof Uint8Array)) return video;
    const newFaces = await this.context.downloadImages(newFaceUrls);
    if (!Array.isArray(newFaces)) return newFaces;
    const described = [body.mediaUrl, ...newFaceUrls].map(urlPath);
    return this.context.accept(video, newFaces, described, rule);
  }

  /** The result of a completed video swap: the output's URL, a preview (the same video) and a thumbnail. */
  result(jobId: string, output: Uint8Array): { mediaUrl: string; previewUrl: string; thumbnailUrl: string } {
    const extension = videoContainer(output) ?? 'mp4';
    const base = `${this.context.baseUrl()}/results/${encodeURIComponent(jobId)}`;
    return {
      mediaUrl: `${base}.${extension}`,
      previewUrl: `${base}-preview.${extension}`,
      thumbnailUrl: `${base}-thumbnail.jpg`,
    };
  }

  /** The picture of a detected face (`/results/faces/<swapId>-<n>.jpg`), when that detection exists. */
  async face(path: string): Promise<Uint8Array | undefined> {
    const match = /^\/results\/faces\/(.+)-(\d+)\.jpg$/.exec(path);
    const faces = match?.[1] === undefined ? undefined : this.detections.get(decodeURIComponent(match[1]))?.faces;
    if (!faces || faces.length < Number(match?.[2])) return undefined;
    this.facePicture ??= sandboxPicture(256, 256, '#3050a0');
    return this.facePicture;
  }

  /** A video swap's thumbnail (a picture, the sandbox does not decode video). */
  thumbnail(): Promise<Uint8Array> {
    this.thumbnailPicture ??= sandboxPicture(320, 180, '#202830');
    return this.thumbnailPicture;
  }
}

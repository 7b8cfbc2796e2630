import type { MultipartFile } from '@fastify/multipart';
import type { ImportInput } from '@model-studio/core';
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../errors/http-problem.js';
import { mayBeImage } from './sniff-image.js';

/** A file refused before the import: its bytes are no image at all (checked on its first bytes). */
export interface SniffedRefusal {
  name: string;
  accepted: false;
  reason: { code: 'not-an-image'; message: string; category: 'file' };
}

/** The files and text fields of a multipart upload. */
export interface Uploads {
  /** Files for the import, in upload order. */
  files: ImportInput[];
  /** Every file in upload order: an index into `files`, or a refusal made from the first bytes. */
  order: (number | SniffedRefusal)[];
  fields: Record<string, string>;
}

function tooLarge(name: string): HttpProblem {
  return new HttpProblem(
    413,
    'PayloadTooLarge',
    `"${name}" is larger than the upload limit per file (STUDIO_UPLOAD_MAX_BYTES): send a smaller file.`,
  );
}

/** Reads one file part: its bytes, or a refusal when its first bytes are no image (the rest is discarded unread). */
async function readFile(part: MultipartFile, room: number): Promise<Uint8Array | SniffedRefusal> {
  const name = part.filename || 'file';
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    if (size === 0 && !mayBeImage(chunk.subarray(0, 16))) refused = true;
    size += chunk.byteLength;
    if (refused) continue;
    if (size > room) {
      part.file.resume();
      throw new HttpProblem(
        413,
        'PayloadTooLarge',
        'This upload carries too many bytes: send the photos in several requests.',
      );
    }
    chunks.push(chunk);
  }
  if (part.file.truncated) throw tooLarge(name);
  if (refused) {
    const message = `"${name}" is not an image (its first bytes are no image format): upload a JPEG, PNG or WebP photo.`;
    return { name, accepted: false, reason: { code: 'not-an-image', message, category: 'file' } };
  }
  return new Uint8Array(Buffer.concat(chunks, size));
}

/**
 * Reads a multipart upload: every file part (in order) and the text fields. A file whose first bytes are no image
 * format is refused without reading the rest. The multipart plugin's limits (per-file size, file count, parts) answer
 * 413; `maxTotalBytes` caps the request's files together (413 too). A request that is not multipart, or has no file,
 * is a 400.
 */
export async function readUploads(request: FastifyRequest, maxTotalBytes: number): Promise<Uploads> {
  if (!request.isMultipart()) {
    throw new HttpProblem(
      400,
      'ValidationError',
      'Send the photos as multipart/form-data, one `files` part per photo.',
    );
  }
  const files: ImportInput[] = [];
  const order: Uploads['order'] = [];
  const fields: Record<string, string> = {};
  let total = 0;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      fields[part.fieldname] = String(part.value);
      continue;
    }
    const read = await readFile(part, maxTotalBytes - total);
    if (!(read instanceof Uint8Array)) {
      order.push(read);
      continue;
    }
    total += read.byteLength;
    order.push(files.length);
    files.push({ name: part.filename || `file-${order.length}`, bytes: read });
  }
  if (order.length === 0) {
    throw new HttpProblem(400, 'ValidationError', 'The upload has no file: add one `files` part per photo.');
  }
  return { files, order, fields };
}

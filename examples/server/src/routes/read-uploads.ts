import type { ImportInput } from '@model-studio/core';
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../errors/http-problem.js';

/** The files and text fields of a multipart upload. */
export interface Uploads {
  files: ImportInput[];
  fields: Record<string, string>;
}

/**
 * Reads a multipart upload: every file part (in order) and the text fields. The multipart plugin's limits (per-file
 * size, file count, parts) answer 413; `maxTotalBytes` caps the request's files together (413 too). A request that
 * is not multipart, or has no file, is a 400.
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
  const fields: Record<string, string> = {};
  let total = 0;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      fields[part.fieldname] = String(part.value);
      continue;
    }
    const bytes = new Uint8Array(await part.toBuffer());
    total += bytes.byteLength;
    if (total > maxTotalBytes) {
      throw new HttpProblem(
        413,
        'PayloadTooLarge',
        `This upload carries more than ${maxTotalBytes} bytes of files: send the photos in several requests.`,
      );
    }
    files.push({ name: part.filename || `file-${files.length + 1}`, bytes });
  }
  if (files.length === 0) {
    throw new HttpProblem(400, 'ValidationError', 'The upload has no file: add one `files` part per photo.');
  }
  return { files, fields };
}

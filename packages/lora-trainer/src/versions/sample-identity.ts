import type { CallOptions, FaceChecker } from '@model-studio/core';

/** How close a version's validation samples are to the source's identity. */
export interface SampleIdentityReport {
  /** Per sample: faces found and the distance of the first face to the source embedding (lower is closer). */
  samples: Array<{ file: string; faces: number; distance?: number | undefined; samePerson?: boolean | undefined }>;
  /** Mean distance over the samples with a face. */
  meanDistance?: number | undefined;
  /** Share of samples whose first face is below the threshold. */
  samePersonShare?: number | undefined;
  /** What the figures mean; says so when the samples come from a sandbox trainer. */
  note: string;
}

/** Options of {@link measureSampleIdentity}. */
export interface SampleIdentityOptions extends CallOptions {
  faceChecker: FaceChecker;
  /** The source face's embedding (from the same face checker). */
  sourceEmbedding: Float32Array;
  /** Distance below which a face is the same person. @default 0.6 */
  threshold?: number;
}

/**
 * Measures the identity of validation samples against the source face with a `FaceChecker`. For a sandbox version
 * this measures the pipeline (the sandbox trainer's samples are not made by a trained model), and the note says so.
 */
export async function measureSampleIdentity(
  samples: ReadonlyArray<{ file: string; bytes: Uint8Array }>,
  sandbox: boolean,
  options: SampleIdentityOptions,
): Promise<SampleIdentityReport> {
  const threshold = options.threshold ?? 0.6;
  const rows: SampleIdentityReport['samples'] = [];
  for (const sample of samples) {
    const faces = await options.faceChecker.embeddings({ bytes: sample.bytes }, { signal: options.signal });
    const first = faces[0];
    if (!first) {
      rows.push({ file: sample.file, faces: 0 });
      continue;
    }
    const distance = options.faceChecker.distance(options.sourceEmbedding, first.embedding);
    rows.push({ file: sample.file, faces: faces.length, distance, samePerson: distance < threshold });
  }
  const measured = rows.filter((row) => row.distance !== undefined);
  const note = sandbox
    ? 'Sandbox version: these samples come from the sandbox trainer, so the figures measure the pipeline, not a trained model.'
    : `Distance of each sample's first face to the source face (${options.faceChecker.provider}); below ${threshold} is the same person.`;
  return {
    samples: rows,
    meanDistance:
      measured.length > 0
        ? measured.reduce((sum, row) => sum + (row.distance as number), 0) / measured.length
        : undefined,
    samePersonShare: measured.length > 0 ? measured.filter((row) => row.samePerson).length / rows.length : undefined,
    note,
  };
}

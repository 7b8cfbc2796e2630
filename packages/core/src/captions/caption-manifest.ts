import { z } from 'zod';
import type { Storage } from '../interfaces/storage.js';
import { storageKeys } from '../naming/index.js';
import { readJson } from '../workspace/storage-json.js';
import { validationErrorFromZod } from '../workspace/zod-issues.js';

/** Where a caption's text came from. */
export type CaptionSource =
  | { kind: 'captioner'; provider: string; model?: string | undefined }
  | { kind: 'person'; name?: string | undefined }
  | { kind: 'imported'; from: string };

/** A caption's review state: written by a captioner (or imported), accepted by a person, or written by a person. */
export type CaptionState = 'generated' | 'reviewed' | 'edited';

/** One version of a caption. */
export interface CaptionVersion {
  text: string;
  source: CaptionSource;
  state: CaptionState;
  /** ISO 8601. */
  at: string;
  /** The operation that wrote it (see {@link CaptionOperation}). */
  op: string;
}

/** A training score of an image (see core's `ImageScorer`). */
export interface StoredImageScore {
  /** In [0, 1]. */
  value: number;
  metric: string;
  /** ISO 8601. */
  at: string;
}

/** The caption records of one enhanced result. */
export interface CaptionImageRecord {
  /** The result's file name, e.g. `andie-s1-t003-sfw-enhanced.jpg`. */
  name: string;
  /** Storage key of the image. */
  imageKey: string;
  /** Storage key of its `.txt` caption. */
  captionKey: string;
  rating: string;
  /** Every version, oldest first; the last is the current caption. */
  versions: CaptionVersion[];
  score?: StoredImageScore | undefined;
}

/** One change to the captions, so it can be undone (`generate` and `import` operations are not undoable). */
export interface CaptionOperation {
  id: string;
  kind: 'generate' | 'import' | 'set' | 'prefix' | 'suffix' | 'replace' | 'review' | 'undo';
  /** ISO 8601. */
  at: string;
  /** What it did, in words (e.g. `replace /smiling/ with "smiling softly"`). */
  description: string;
  /** The images it changed. */
  names: string[];
  /** For `undo`: the operation it undid. */
  undoes?: string | undefined;
}

/** The caption manifest of a model (`models/<model>/captions.json`). */
export interface CaptionManifest {
  version: 1;
  images: Record<string, CaptionImageRecord>;
  operations: CaptionOperation[];
}

/** A caption as a reader sees it: the current version, its history and the image's score. */
export interface CaptionEntry {
  name: string;
  imageKey: string;
  captionKey: string;
  rating: string;
  text: string;
  source: CaptionSource;
  state: CaptionState;
  /** ISO 8601 of the current version. */
  at: string;
  /** The operation that wrote the current version. */
  op: string;
  /** Earlier versions, oldest first (for undo). */
  history: CaptionVersion[];
  score?: StoredImageScore | undefined;
}

const sourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('captioner'), provider: z.string(), model: z.string().optional() }),
  z.object({ kind: z.literal('person'), name: z.string().optional() }),
  z.object({ kind: z.literal('imported'), from: z.string() }),
]);
const versionSchema = z.object({
  text: z.string(),
  source: sourceSchema,
  state: z.enum(['generated', 'reviewed', 'edited']),
  at: z.string(),
  op: z.string(),
});
const manifestSchema = z.object({
  version: z.literal(1),
  images: z.record(
    z.string(),
    z.object({
      name: z.string(),
      imageKey: z.string(),
      captionKey: z.string(),
      rating: z.string(),
      versions: z.array(versionSchema).min(1),
      score: z.object({ value: z.number().min(0).max(1), metric: z.string(), at: z.string() }).optional(),
    }),
  ),
  operations: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['generate', 'import', 'set', 'prefix', 'suffix', 'replace', 'review', 'undo']),
      at: z.string(),
      description: z.string(),
      names: z.array(z.string()),
      undoes: z.string().optional(),
    }),
  ),
});

/** An empty manifest. */
export function emptyCaptionManifest(): CaptionManifest {
  return { version: 1, images: {}, operations: [] };
}

/** Reads a model's caption manifest (empty when the model has none yet). Throws a `ValidationError` for a bad file. */
export async function readCaptionManifest(
  storage: Storage,
  model: string,
  options: { signal?: AbortSignal } = {},
): Promise<CaptionManifest> {
  const key = storageKeys.captionManifest(model);
  const raw = await readJson(storage, key, options);
  if (raw === undefined) return emptyCaptionManifest();
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw validationErrorFromZod(
      `${key} is not a valid caption manifest`,
      parsed.error,
      'Restore it from a backup; the .txt captions beside the images are intact.',
    );
  }
  return parsed.data as CaptionManifest;
}

/** The reader's view of one image's records. */
export function captionEntryOf(record: CaptionImageRecord): CaptionEntry {
  const current = record.versions[record.versions.length - 1]!;
  return {
    name: record.name,
    imageKey: record.imageKey,
    captionKey: record.captionKey,
    rating: record.rating,
    text: current.text,
    source: current.source,
    state: current.state,
    at: current.at,
    op: current.op,
    history: record.versions.slice(0, -1),
    ...(record.score && { score: record.score }),
  };
}

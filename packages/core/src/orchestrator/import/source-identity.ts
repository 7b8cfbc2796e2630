import type { FaceChecker } from '../../interfaces/face-checker.js';
import type { Storage } from '../../interfaces/storage.js';
import { readAll } from '../read-all.js';
import { storedName } from './duplicate-check.js';

/** A photo of the subject: its name to show and the identity embedding of its face. */
interface SubjectPhoto {
  label: string;
  embedding: Float32Array;
}

/** What {@link SourceIdentity.check} found: the new source's embedding, or how far it is from the subject. */
export type IdentityVerdict =
  | { ok: true; embedding: Float32Array }
  | { ok: false; code: 'no-face' | 'different-person'; message: string };

/**
 * The identity check of source photos: every new source must show the same person as the model's sources (the
 * subject of its consent record). The stored sources' embeddings are computed once per import; when the model has
 * none yet, the first source accepted stands for the subject. Uses the same rule as the verification of swaps:
 * `faceChecker.distance(a, b) <= thresholds.identityThreshold`.
 */
export class SourceIdentity {
  readonly #faceChecker: FaceChecker;
  readonly #storage: Storage;
  readonly #storedKeys: readonly string[];
  readonly #threshold: number;
  readonly #subject: string | undefined;
  #photos: SubjectPhoto[] | undefined;

  constructor(options: {
    faceChecker: FaceChecker;
    storage: Storage;
    storedKeys: readonly string[];
    threshold: number;
    subject?: string;
  }) {
    this.#faceChecker = options.faceChecker;
    this.#storage = options.storage;
    this.#storedKeys = options.storedKeys;
    this.#threshold = options.threshold;
    this.#subject = options.subject;
  }

  /** Compares the face of a new source (an embedding from `faceChecker.embeddings`) with the subject's photos. */
  async check(embedding: Float32Array | undefined, signal?: AbortSignal): Promise<IdentityVerdict> {
    if (!embedding || embedding.length === 0) {
      return {
        ok: false,
        code: 'no-face',
        message:
          "The face could not be measured to compare it with the subject's other photos. Use a clear, frontal photo.",
      };
    }
    const photos = await this.#subjectPhotos(signal);
    if (photos.length === 0) return { ok: true, embedding };
    let closest: { label: string; distance: number } | undefined;
    for (const photo of photos) {
      const distance = this.#faceChecker.distance(embedding, photo.embedding);
      if (!closest || distance < closest.distance) closest = { label: photo.label, distance };
    }
    if (closest && closest.distance <= this.#threshold) return { ok: true, embedding };
    const who = this.#subject ? ` (${this.#subject})` : '';
    return {
      ok: false,
      code: 'different-person',
      message:
        `This photo shows a different person from ${closest?.label} (identity distance ${closest?.distance.toFixed(2)}, ` +
        `the limit is ${this.#threshold}). The consent record covers one subject${who}: every source photo must show that person.`,
    };
  }

  /** Adds an accepted source, so later files of the import are compared with it too. */
  add(label: string, embedding: Float32Array): void {
    this.#photos?.push({ label, embedding });
  }

  async #subjectPhotos(signal?: AbortSignal): Promise<SubjectPhoto[]> {
    if (this.#photos) return this.#photos;
    const photos: SubjectPhoto[] = [];
    for (const key of this.#storedKeys) {
      const bytes = await readAll(await this.#storage.get(key, { signal }));
      const faces = await this.#faceChecker.embeddings({ bytes }, { signal });
      // A stored source without a measurable face (imported before this check existed) cannot stand for the subject.
      if (faces.length === 1 && faces[0]!.embedding.length > 0) {
        photos.push({ label: storedName(key), embedding: faces[0]!.embedding });
      }
    }
    this.#photos = photos;
    return photos;
  }
}

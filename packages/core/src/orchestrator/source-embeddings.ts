import { ValidationError } from '../errors/index.js';
import type { Storage } from '../interfaces/storage.js';
import { storageKeys } from '../naming/index.js';
import { readAll } from './read-all.js';
import { requireAdapter } from './require-adapter.js';
import type { StudioSettings } from './studio-types.js';

/**
 * The identity embeddings of a model's sources, each computed once per run. `prepare` computes the given sources'
 * before anything is paid, so a source with no face stops the run there (a `ValidationError`, nothing paid).
 */
export function sourceEmbeddings(context: {
  settings: StudioSettings;
  storage: Storage;
  model: string;
  signal: AbortSignal;
}) {
  const embeddings = new Map<number, Float32Array>();
  async function compute(source: number): Promise<Float32Array> {
    const faceChecker = requireAdapter(context.settings, 'faceChecker', 'verify swaps against their source');
    const key = storageKeys.source(context.model, source);
    const bytes = await readAll(await context.storage.get(key, { signal: context.signal }));
    const faces = await faceChecker.embeddings({ bytes }, { signal: context.signal });
    if (!faces[0]) {
      throw new ValidationError(
        `Source ${source} of model "${context.model}" shows no face to verify swaps against: re-import a photo with one clear face. Nothing was paid.`,
        { field: 'source' },
      );
    }
    embeddings.set(source, faces[0].embedding);
    return faces[0].embedding;
  }
  return {
    async prepare(sources: Iterable<number>): Promise<void> {
      for (const source of sources) if (!embeddings.has(source)) await compute(source);
    },
    get: async (source: number): Promise<Float32Array> => embeddings.get(source) ?? compute(source),
  };
}

import { stringify } from 'smol-toml';

/** Options for {@link kohyaDatasetToml}. */
export interface KohyaDatasetTomlOptions {
  /** The image folder on the training machine (`.../<repeats>_<trigger> <class>`). */
  imageDir: string;
  /** kohya repeats (passes per epoch). */
  repeats: number;
  /** Class tokens, e.g. `andie woman`. */
  classTokens: string;
  /** Training resolution in pixels. */
  resolution: number;
  /** Batch size. @default 1 */
  batchSize?: number;
}

/** The folder name kohya sd-scripts reads repeats and class tokens from: `<repeats>_<trigger> <class>`. */
export function kohyaFolderName(repeats: number, trigger: string, classWord: string): string {
  return `${repeats}_${trigger} ${classWord}`;
}

/**
 * A kohya sd-scripts dataset TOML: `caption_extension = ".txt"` (kohya's default is `.caption`), bucketing on, one
 * subset with the repeats and class tokens.
 */
export function kohyaDatasetToml(options: KohyaDatasetTomlOptions): string {
  return stringify({
    general: { caption_extension: '.txt', enable_bucket: true, shuffle_caption: false },
    datasets: [
      {
        resolution: options.resolution,
        batch_size: options.batchSize ?? 1,
        subsets: [{ image_dir: options.imageDir, num_repeats: options.repeats, class_tokens: options.classTokens }],
      },
    ],
  });
}

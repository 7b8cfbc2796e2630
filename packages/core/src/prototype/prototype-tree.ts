/** A result image of the prototype, as its path names it. */
export interface PrototypeResultFile {
  path: string;
  rating: string;
  /** The `source_<n>` folder. */
  source: number;
  stage: 'swapped' | 'enhanced';
  /** The prototype's target id (`-t<n>-`: a position in its sorted listing), or the legacy target file number. */
  target: number | undefined;
  /** Legacy layout (`andie_nsfw_001.jpg`): `target` is the number in a target's file name, not a position. */
  legacy: boolean;
}

/** The files of one prototype model, by role (paths relative to the tree). */
export interface PrototypeTree {
  /** The model's folder in the tree (`''` when the tree is one model), with a trailing `/`. */
  dir: string;
  /** The folder's name (the prototype's model name), when the tree holds several models. */
  name?: string;
  config?: string;
  progress?: string;
  /** Source photos in the prototype's order (sorted names: `source_id` is a 1-based position here). */
  sources: string[];
  /** Target photos per rating, in the prototype's order (`target_id` is a 1-based position here). */
  targets: Map<string, string[]>;
  results: PrototypeResultFile[];
  /** Caption `.txt` files beside enhanced results. */
  captions: string[];
  /** Files the importer does not know. */
  other: string[];
}

const image = /\.(jpe?g|png)$/i;
const modelMarker = /^(config\.json|progress\.json|source\/|targets\/|results\/|originals\/)/;
const sourcePath = /^(?:source|originals\/sources)\/[^/]+$/;
const targetPath = /^(?:targets|originals\/targets)\/([^/]+)\/[^/]+$/;
const resultPath = /^(?:[^/]+\/)?results\/([^/]+)\/source_(\d+)\/(swapped|enhanced)\/([^/]+)$/;
const smartName = /-s(\d+)-t(\d+)-([^-]+)-(swapped|enhanced)\.(jpe?g|png)$/i;
const legacyName = /^.+_([a-z0-9]+)_(\d+)(?:_enhanced)?\.(jpe?g|png)$/i;

/** Python's `sorted()` order (code points), which gave the prototype's ids. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Splits a tree into its models: the tree itself when it is one model's folder (or one model's bucket), else each
 * top-level folder that looks like one (`models/<model>/`).
 */
export function splitPrototypeModels(paths: readonly string[]): PrototypeTree[] {
  if (paths.some((path) => modelMarker.test(path))) return [classifyPrototypePaths('', paths)];
  const byDir = new Map<string, string[]>();
  for (const path of paths) {
    const slash = path.indexOf('/');
    if (slash <= 0) continue;
    const dir = path.slice(0, slash);
    const rest = path.slice(slash + 1);
    byDir.set(dir, [...(byDir.get(dir) ?? []), rest]);
  }
  const models: PrototypeTree[] = [];
  for (const [dir, inner] of [...byDir].sort(([a], [b]) => byCodePoint(a, b))) {
    if (!inner.some((path) => modelMarker.test(path))) continue;
    models.push({ ...classifyPrototypePaths(`${dir}/`, inner), name: dir });
  }
  return models;
}

/** Sorts a model's files (given relative to `dir`) into roles; the paths kept are relative to the whole tree. */
export function classifyPrototypePaths(dir: string, paths: readonly string[]): PrototypeTree {
  const tree: PrototypeTree = { dir, sources: [], targets: new Map(), results: [], captions: [], other: [] };
  for (const path of [...paths].sort(byCodePoint)) {
    const full = `${dir}${path}`;
    const target = targetPath.exec(path);
    const result = resultPath.exec(path);
    if (path === 'config.json') tree.config = full;
    else if (path === 'progress.json') tree.progress = full;
    else if (sourcePath.test(path) && image.test(path)) tree.sources.push(full);
    else if (target && image.test(path)) {
      const rating = target[1]!.toLowerCase();
      tree.targets.set(rating, [...(tree.targets.get(rating) ?? []), full]);
    } else if (result && /\.txt$/i.test(path) && result[3] === 'enhanced') tree.captions.push(full);
    else if (result && image.test(path)) tree.results.push(resultFile(full, result));
    else tree.other.push(full);
  }
  return tree;
}

function resultFile(path: string, match: RegExpExecArray): PrototypeResultFile {
  const [, rating = '', source = '', stage = '', name = ''] = match;
  const base = { path, rating: rating.toLowerCase(), source: Number(source), stage: stage as 'swapped' | 'enhanced' };
  const smart = smartName.exec(name);
  if (smart) return { ...base, target: Number(smart[2]), legacy: false };
  const legacy = legacyName.exec(name);
  if (legacy) return { ...base, target: Number(legacy[2]), legacy: true };
  return { ...base, target: undefined, legacy: false };
}

/** The file name of a prototype path. */
export function prototypeBaseName(path: string): string {
  return baseName(path);
}

import {
  type CaptionEntry,
  type CaptionOperation,
  type CaptionRecords,
  type CaptionUndoResult,
  readCaptionManifest,
  type Studio,
  ValidationError,
  type Workspace,
} from '@model-studio/core';
import { checkCaption } from '../caption/check-caption.js';
import { type CaptionFilter, matchesFilter, type ReviewedCaption, toRegExp } from './caption-filter.js';

/** One caption an operation changes (or, in a dry run, would change). */
export interface CaptionChange {
  name: string;
  before: string;
  after: string;
  /** Problems of the new text (trigger missing or repeated, too long, artifacts); empty when none. */
  issues: string[];
}

/** What a bulk operation did, or would do in a dry run. */
export interface CaptionChangeResult {
  /** The operation's id (for undo); absent in a dry run or when nothing changed. */
  operation?: string | undefined;
  dryRun: boolean;
  changes: CaptionChange[];
}

/** Options of the bulk operations. */
export interface BulkOptions {
  /** Which captions (default: all). */
  filter?: CaptionFilter;
  /** Shows every change without writing anything. */
  dryRun?: boolean;
  /** Who made the change, for the records. */
  by?: string;
}

/** The review and edit operations over a model's captions, shared by the CLI, the server and the web UI. */
export interface CaptionReview {
  /** The model's captions that pass `filter`, each with its check (tokens, trigger, artifacts). */
  list(model: string, filter?: CaptionFilter): Promise<ReviewedCaption[]>;
  /** Sets one caption to text a person wrote (state `edited`), or accepts it as it is when `text` is unchanged. */
  set(model: string, name: string, text: string, options?: { by?: string }): Promise<CaptionChangeResult>;
  /** Puts `text` before every caption of the filter (captions already starting with it are left alone). */
  prefix(model: string, text: string, options?: BulkOptions): Promise<CaptionChangeResult>;
  /** Puts `text` after every caption of the filter (captions already ending with it are left alone). */
  suffix(model: string, text: string, options?: BulkOptions): Promise<CaptionChangeResult>;
  /** Regex find and replace (`$1` groups allowed) over the filter; `flags` default `g`. */
  replace(
    model: string,
    pattern: RegExp | string,
    replacement: string,
    options?: BulkOptions & { flags?: string },
  ): Promise<CaptionChangeResult>;
  /** Marks the filter's captions as reviewed (accepted as they are). */
  markReviewed(model: string, options?: BulkOptions): Promise<CaptionChangeResult>;
  /** Undoes the last edit operation, or the one with `id`. */
  undo(model: string, id?: string): Promise<CaptionUndoResult>;
  /** Every caption operation of the model, oldest first. */
  operations(model: string): Promise<CaptionOperation[]>;
}

/** What {@link createCaptionReview} needs: the studio (captions and their writer) and the workspace (configs). */
export interface CaptionReviewSettings {
  studio: Pick<Studio, 'captions' | 'editCaptions'>;
  workspace: Pick<Workspace, 'getModel' | 'storage'>;
}

/**
 * The review and edit operations over a model's captions (the `.txt` files and the caption manifest): list with
 * filters, set one, bulk prefix/suffix, regex replace with a dry-run preview of every change, mark reviewed, undo.
 * Every change is a person's: it is never rewritten by a later automatic pass.
 *
 * @example
 * ```ts no-run
 * const review = createCaptionReview({ studio, workspace });
 * const preview = await review.replace('andie', /\bsmiling\b/, 'smiling softly', { dryRun: true });
 * for (const change of preview.changes) console.log(change.before, '->', change.after);
 * ```
 */
export function createCaptionReview(settings: CaptionReviewSettings): CaptionReview {
  const { studio, workspace } = settings;
  const subjectOf = async (model: string) => {
    const config = await workspace.getModel(model);
    return { trigger: config.settings.triggerWord, style: config.settings.captions.style };
  };
  const list = async (model: string, filter?: CaptionFilter) => {
    const subject = await subjectOf(model);
    const entries = await studio.captions(model);
    return entries
      .map((entry) => ({ ...entry, check: checkCaption(entry.text, subject) }))
      .filter((caption) => matchesFilter(caption, filter));
  };
  const bulk = async (
    model: string,
    kind: CaptionOperation['kind'],
    description: string,
    options: BulkOptions,
    change: (caption: ReviewedCaption) => { text: string; state: 'edited' | 'reviewed' } | undefined,
  ): Promise<CaptionChangeResult> => {
    const subject = await subjectOf(model);
    const planned = (await list(model, options.filter)).flatMap((caption) => {
      const next = change(caption);
      if (!next || (next.text === caption.text && next.state === caption.state)) return [];
      const issues = checkCaption(next.text, subject).issues;
      return [{ caption, next, preview: { name: caption.name, before: caption.text, after: next.text, issues } }];
    });
    const changes = planned.map((item) => item.preview);
    if (options.dryRun || planned.length === 0) return { dryRun: options.dryRun ?? false, changes };
    const operation = await studio.editCaptions(model, async (records) => {
      const id = records.begin(kind, description);
      for (const { caption, next } of planned) await writeChange(records, caption, next, id, options.by);
      return id;
    });
    return { operation, dryRun: false, changes };
  };
  return {
    list,
    async set(model, name, text, options = {}) {
      const trimmed = text.trim();
      if (trimmed === '') throw new ValidationError('A caption cannot be empty.', { field: 'text' });
      const [caption] = await list(model, { names: [name] });
      if (!caption)
        throw new ValidationError(`Model "${model}" has no caption for ${name}.`, { field: 'name', value: name });
      const state = trimmed === caption.text ? 'reviewed' : 'edited';
      return bulk(
        model,
        state === 'reviewed' ? 'review' : 'set',
        `set ${name}`,
        { filter: { names: [name] }, ...options },
        () => ({
          text: trimmed,
          state,
        }),
      );
    },
    prefix: (model, text, options = {}) =>
      bulk(model, 'prefix', `prefix "${text}"`, options, (caption) =>
        caption.text.startsWith(text) ? undefined : { text: `${text}${caption.text}`, state: 'edited' },
      ),
    suffix: (model, text, options = {}) =>
      bulk(model, 'suffix', `suffix "${text}"`, options, (caption) =>
        caption.text.endsWith(text) ? undefined : { text: `${caption.text}${text}`, state: 'edited' },
      ),
    async replace(model, pattern, replacement, options = {}) {
      const regex = toRegExp(pattern, options.flags ?? 'g');
      return bulk(model, 'replace', `replace ${regex} with "${replacement}"`, options, (caption) => {
        const text = caption.text.replace(regex, replacement).replace(/\s+/g, ' ').trim();
        return text === caption.text ? undefined : { text, state: 'edited' };
      });
    },
    markReviewed: (model, options = {}) =>
      bulk(model, 'review', 'mark reviewed', options, (caption) =>
        caption.state === 'generated' ? { text: caption.text, state: 'reviewed' } : undefined,
      ),
    undo: (model, id) => studio.editCaptions(model, (records) => records.undo(id)),
    operations: async (model) => (await readCaptionManifest(workspace.storage, model)).operations,
  };
}

async function writeChange(
  records: CaptionRecords,
  caption: CaptionEntry,
  next: { text: string; state: 'edited' | 'reviewed' },
  op: string,
  by: string | undefined,
): Promise<void> {
  const source =
    next.state === 'reviewed' && next.text === caption.text
      ? caption.source
      : { kind: 'person' as const, ...(by && { name: by }) };
  await records.write(
    {
      name: caption.name,
      imageKey: caption.imageKey,
      captionKey: caption.captionKey,
      rating: caption.rating,
      text: next.text,
      source,
      state: next.state,
    },
    op,
  );
}

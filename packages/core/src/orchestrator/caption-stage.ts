import { randomUUID } from 'node:crypto';
import { NotFoundError, ProviderError } from '../errors/index.js';
import type { CaptionResult, CaptionSubject, ImageFacts } from '../interfaces/captioner.js';
import type { ImageScore } from '../interfaces/image-scorer.js';
import type { ProviderJobResult } from '../interfaces/provider-job.js';
import { formatResultName, parseStageId, stageId, storageKeys } from '../naming/index.js';
import type { ModelPrice, RunConfig } from '../workspace/index.js';
import { imageFactsOf } from './image-facts.js';
import { dropKeptAnswer, keepAnswer, keptAnswers } from './kept-answers.js';
import { readAll } from './read-all.js';
import { requireAdapter } from './require-adapter.js';
import type { PaidStage, StageContext } from './stage.js';
import type { PlannedUnit, StudioSettings } from './studio-types.js';

/**
 * The reservation of one paid caption when the price table has no `caption` entry: a VLM call on Hugging Face
 * Inference costs a fraction of a cent (an estimate; set `prices.caption` and `captions.tokenPrices` from your bill).
 */
export const defaultCaptionPrice: ModelPrice = Object.freeze({ units: 0.002, unit: 'usd' });

/** What a caption call answered, kept until the stage stores it (lost with the process: then re-read from storage). */
interface Answer {
  result: CaptionResult;
  score?: ImageScore | undefined;
  /** The storage refused its text when it was answered: `store` writes it (and forgets the kept copy). */
  unstored?: boolean;
}
/**
 * Answers by job id, per stage context (one run): a unit that fails between two steps leaves its entry behind only
 * until the run's context is collected, never in a module-level map for the life of the process.
 */
const answersByRun = new WeakMap<StageContext, { sent: Map<string, Answer>; reattached: Map<string, Answer> }>();

function answersOf(context: StageContext): { sent: Map<string, Answer>; reattached: Map<string, Answer> } {
  let answers = answersByRun.get(context);
  if (!answers) {
    answers = { sent: new Map(), reattached: new Map() };
    answersByRun.set(context, answers);
  }
  return answers;
}

/**
 * The training caption of an enhanced result (`<result>.txt` beside it), written by the studio's captioner from the
 * image, the facts the pipeline knows (size, faces, exposure, rating) and the model's caption settings; recorded in
 * the caption manifest, with the image's training score when the studio has a scorer. A caption call answers at once,
 * so its text is stored before its id is journaled: after a crash, a call journaled as sent is read back, never paid
 * again. Consent: captions prepare training data, so the stage needs `train`.
 */
export const captionStage: PaidStage = {
  name: 'caption',
  result: 'caption',
  op: 'caption',
  use: 'train',
  needs: ['enhanced'],
  reads: [],
  gates: [],
  adapters: [],
  outputKey: (unit) => storageKeys.caption(unit),
  price: (config, settings) => captionPrice(config, settings),
  provider: (settings) => requireAdapter(settings, 'captioner', 'caption results'),
  async skip(context, unit) {
    const name = formatResultName({ ...unit, stage: 'enhanced' });
    const entry = context.captions?.get(name);
    if (entry) return `already captioned (${entry.state}, by ${entry.source.kind}): kept as it is`;
    // A caption file nobody recorded (written by hand, or copied from elsewhere) is a person's: adopt it, never overwrite.
    const key = storageKeys.caption(unit);
    if (!context.captions || !context.captionOperation) return undefined;
    if (!(await context.storage.head(key, { signal: context.signal }))) return undefined;
    const text = new TextDecoder().decode(await readAll(await context.storage.get(key, { signal: context.signal })));
    await context.captions.write(
      {
        name,
        imageKey: unit.enhancedKey,
        captionKey: key,
        rating: unit.rating,
        text,
        source: { kind: 'imported', from: 'a caption file found beside the image' },
        state: 'generated',
      },
      context.captionOperation,
    );
    return 'a caption file was already beside the image: recorded as imported, kept as it is';
  },
  async recover(context, unit) {
    const provider = this.provider(context.settings).provider;
    const stored = await context.storage.head(storageKeys.caption(unit), { signal: context.signal });
    if (stored) return { id: `caption:recovered:${unit.id}`, provider, operation: 'caption' };
    // Answered, refused by the storage and kept aside before the crash: the kept answer is this job's.
    const id = stageId({ ...unit, stage: 'caption' });
    const kept = context.recovery && (await keptAnswers(context.recovery)).findLast((answer) => answer.stageId === id);
    return kept ? { id: kept.jobId, provider, operation: 'caption' } : undefined;
  },
  async submit(context, unit, work) {
    const captioner = requireAdapter(context.settings, 'captioner', 'caption results');
    const image = await work.output('enhanced');
    const facts = await imageFactsOf(context, image, unit.rating);
    const { prompt } = context.config.settings.captions;
    const result = await captioner.caption({
      image,
      contentType: 'image/jpeg',
      facts,
      subject: captionSubject(context.config),
      ...(prompt && { prompt }),
    });
    const score = await scoreOf(context, image, facts);
    const id = `caption:${randomUUID()}:${unit.id}`;
    // Stored before the job id is journaled: a resume after a crash reads it back instead of paying again.
    const unstored = await storeAnswer(context, unit, id, result.text);
    answersOf(context).sent.set(id, { result, score, unstored });
    return { id, provider: captioner.provider, operation: 'caption' };
  },
  async wait(context, job): Promise<ProviderJobResult> {
    const answers = answersOf(context);
    const answer = answers.sent.get(job.id);
    answers.sent.delete(job.id);
    const found = answer ?? (await earlierAnswer(context, job.id));
    const bytes = new TextEncoder().encode(found.result.text);
    const price = captionPrice(context.config, context.settings);
    const units = answer ? chargeOf(context.config, price, answer.result) : price.units;
    if (answer || found.unstored) answers.reattached.set(job.id, found);
    return { job, bytes, contentType: 'text/plain', units, unit: price.unit };
  },
  async store(context, unit, result) {
    const records = context.captions;
    const name = formatResultName({ ...unit, stage: 'enhanced' });
    const { reattached } = answersOf(context);
    const answer = reattached.get(result.job.id);
    reattached.delete(result.job.id);
    if (answer?.unstored) {
      await context.storage.put(storageKeys.caption(unit), result.bytes, { contentType: captionContentType });
      // Stored now: the kept copy is not needed any more (a copy left behind is never read for a stage that is done).
      if (context.recovery) await dropKeptAnswer(context.recovery, result.job.id).catch(() => undefined);
    }
    if (!records || !context.captionOperation) return result.bytes;
    const text = new TextDecoder().decode(result.bytes);
    const model = answer?.result.model;
    await records.write(
      {
        name,
        imageKey: unit.enhancedKey,
        captionKey: storageKeys.caption(unit),
        rating: unit.rating,
        text,
        source: { kind: 'captioner', provider: result.job.provider, ...(model && { model }) },
        state: 'generated',
      },
      context.captionOperation,
    );
    const score =
      answer?.score ??
      (context.settings.imageScorer?.paid === false
        ? await scoreOf(context, unit.enhancedKey, await imageFactsFromStorage(context, unit))
        : undefined);
    if (score) await records.setScore(name, { value: score.score, metric: score.metric });
    return result.bytes;
  },
};

const captionContentType = 'text/plain; charset=utf-8';

/**
 * Stores a caption's text before its job id is journaled; returns whether it is still to be stored. When the storage
 * refuses it, the caption is paid all the same: its text is kept beside the run's recovery files and the call goes on
 * (journaled, charged); `store` then tries the storage again, which stops the run if it still refuses, and a resume
 * reads the kept text instead of paying again.
 */
async function storeAnswer(context: StageContext, unit: PlannedUnit, jobId: string, text: string): Promise<boolean> {
  try {
    await context.storage.put(storageKeys.caption(unit), new TextEncoder().encode(text), {
      contentType: captionContentType,
    });
    return false;
  } catch (error) {
    const at = new Date().toISOString();
    const kept = context.recovery
      ? await keepAnswer(context.recovery, { stageId: stageId({ ...unit, stage: 'caption' }), jobId, text, at }).then(
          () => true,
          () => false,
        )
      : false;
    // Not kept either: the answer lives in memory until `store` (a crash before then loses a paid caption).
    if (!kept) context.settings.logger?.warn(`caption of ${unit.id}: ${(error as Error).message}`);
    return true;
  }
}

/** The answer of a job sent by an earlier run: its stored text, else the copy kept when the storage refused it. */
async function earlierAnswer(context: StageContext, jobId: string): Promise<Answer> {
  const key = captionKeyOfJob(jobId);
  try {
    return {
      result: {
        text: new TextDecoder().decode(await readAll(await context.storage.get(key, { signal: context.signal }))),
      },
    };
  } catch (error) {
    if (!NotFoundError.isInstance(error)) throw error;
    const kept = context.recovery && (await keptAnswers(context.recovery)).find((answer) => answer.jobId === jobId);
    if (kept) return { result: { text: kept.text }, unstored: true };
    throw new ProviderError(
      `The caption answered by ${jobId} is lost: neither the storage (${key}) nor the recovery files have its text. ` +
        'It was charged when it was answered; captioning the image again is a new call.',
      { provider: 'caption', reason: 'job-failed', isRetryable: true, jobId },
    );
  }
}

/** The model's caption subject: trigger word, class word, template and style from its config. */
export function captionSubject(config: RunConfig): CaptionSubject {
  const { triggerWord, classWord, captions } = config.settings;
  return {
    trigger: triggerWord,
    classWord,
    style: captions.style,
    ...(captions.template && { template: captions.template }),
    ...(captions.prefix && { prefix: captions.prefix }),
    ...(captions.suffix && { suffix: captions.suffix }),
  };
}

/** The reservation of one caption: zero for a free captioner, else the price table's `caption` entry. */
function captionPrice(config: RunConfig, settings: StudioSettings): ModelPrice {
  const price = config.settings.prices.caption ?? defaultCaptionPrice;
  return settings.captioner?.paid === false ? { units: 0, unit: price.unit } : price;
}

/** What a paid caption cost: its tokens at the model's token prices, else its reservation. */
function chargeOf(config: RunConfig, price: ModelPrice, result: CaptionResult): number {
  const tokens = config.settings.captions.tokenPrices;
  const usage = result.usage;
  if (price.units === 0) return 0;
  if (!tokens || tokens.unit !== price.unit || !usage) return price.units;
  const amount = ((usage.inputTokens ?? 0) * tokens.input + (usage.outputTokens ?? 0) * tokens.output) / 1_000_000;
  return Math.round(amount * 1e6) / 1e6;
}

async function scoreOf(
  context: StageContext,
  image: Uint8Array | string,
  facts: ImageFacts,
): Promise<ImageScore | undefined> {
  const scorer = context.settings.imageScorer;
  if (!scorer) return undefined;
  const bytes =
    typeof image === 'string' ? await readAll(await context.storage.get(image, { signal: context.signal })) : image;
  return scorer.score({ image: bytes, contentType: 'image/jpeg', facts }, { signal: context.signal });
}

async function imageFactsFromStorage(context: StageContext, unit: PlannedUnit): Promise<ImageFacts> {
  const image = await readAll(await context.storage.get(unit.enhancedKey, { signal: context.signal }));
  return imageFactsOf(context, image, unit.rating);
}

/** The caption key of a caption job id (`caption:<uuid>:<unit id>`). */
function captionKeyOfJob(jobId: string): string {
  const unitId = jobId.split(':').slice(2).join(':');
  const parts = parseStageId(`${unitId}:caption`);
  if (!parts) throw new Error(`Not a caption job id: ${jobId}`);
  return storageKeys.caption(parts);
}

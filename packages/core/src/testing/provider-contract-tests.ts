import type {
  CallOptions,
  Enhancer,
  FaceDetector,
  FaceSwapper,
  ProviderJob,
  ProviderJobResult,
  Storage,
  WaitOptions,
} from '../interfaces/index.js';
import { imageDimensions } from '../orchestrator/image-dimensions.js';
import type { StorageContractTestApi } from './storage-contract-tests.js';

/**
 * Core's `imageDimensions` (width and height from a JPEG, PNG, GIF or WebP header; `undefined` for other formats),
 * re-exported here for compatibility: import it from `@model-studio/core`.
 */
export { type ImageDimensions, imageDimensions } from '../orchestrator/image-dimensions.js';

/** The parts of a test runner the provider suite uses (the same as the storage suite's): pass vitest's or jest's. */
export type ProviderContractTestApi = StorageContractTestApi;

/** What the provider under test needs, made once before the suite. */
export interface ProviderContractSubject {
  detector?: FaceDetector;
  swapper?: FaceSwapper;
  enhancer?: Enhancer;
  /** Storage holding the sample images, which the adapters read. */
  storage: Storage;
  /** Storage keys of a source face image and a target image with one clear face (JPEG or PNG). */
  sampleKeys: { source: string; target: string };
  /**
   * New adapter instances as after a process restart (a fresh client too), used to reattach jobs by id.
   * @default the same instances
   */
  restart?: () => Promise<{ swapper?: FaceSwapper; enhancer?: Enhancer }>;
  /** Releases what setup made (servers, temp dirs). */
  teardown?: () => Promise<void>;
}

/** Options of {@link providerContractTests}. */
export interface ProviderContractOptions {
  /** Shown in the suite's name, e.g. `MaxStudio (sandbox)`. */
  name: string;
  /** Which adapters the subject provides; their tests are registered and setup must supply them. @default all three */
  adapters?: Array<'detector' | 'swapper' | 'enhancer'>;
  setup: () => Promise<ProviderContractSubject>;
  /** Timeout of each test, ms (paid jobs take time). @default 60000 */
  timeout?: number;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** True for the errors an aborted call may reject with: the signal's reason, an AbortError, or an error with reason `aborted`. */
function isAbortRejection(error: unknown, reason: unknown): boolean {
  if (error === undefined) return false;
  if (error === reason) return true;
  const record = error as { name?: unknown; reason?: unknown };
  return record.name === 'AbortError' || record.reason === 'aborted';
}

function required<T>(adapter: T | undefined, name: string): T {
  if (!adapter) throw new Error(`providerContractTests: setup() returned no ${name}`);
  return adapter;
}

/** How the suite drives one kind of paid job (swap or enhance), so both get the same tests. */
interface PaidOperation {
  adapter: 'swapper' | 'enhancer';
  title: string;
  noun: string;
  priced: (subject: ProviderContractSubject) => { provider: string; price: { units: number; unit: string } };
  submit: (subject: ProviderContractSubject, imageKey: string, options?: CallOptions) => Promise<ProviderJob>;
  wait: (
    subject: ProviderContractSubject,
    job: ProviderJob,
    options?: WaitOptions,
    restarted?: { swapper?: FaceSwapper; enhancer?: Enhancer },
  ) => Promise<ProviderJobResult>;
}

const paidOperations: PaidOperation[] = [
  {
    adapter: 'swapper',
    title: 'FaceSwapper',
    noun: 'a swap',
    priced: (subject) => required(subject.swapper, 'swapper'),
    submit: (subject, targetKey, options) =>
      required(subject.swapper, 'swapper').submitSwap({ targetKey, sourceKey: subject.sampleKeys.source }, options),
    wait: (subject, job, options, restarted) =>
      (restarted?.swapper ?? required(subject.swapper, 'swapper')).waitForSwap(job, options),
  },
  {
    adapter: 'enhancer',
    title: 'Enhancer',
    noun: 'an enhance',
    priced: (subject) => required(subject.enhancer, 'enhancer'),
    submit: (subject, imageKey, options) => required(subject.enhancer, 'enhancer').submitEnhance({ imageKey }, options),
    wait: (subject, job, options, restarted) =>
      (restarted?.enhancer ?? required(subject.enhancer, 'enhancer')).waitForEnhance(job, options),
  },
];

/** A job handle as read back from a journal after a restart: a plain object with the same fields. */
const fromJournal = (job: ProviderJob): ProviderJob =>
  JSON.parse(JSON.stringify({ id: job.id, provider: job.provider, operation: job.operation }));

/**
 * The contract every FaceDetector / FaceSwapper / Enhancer must meet: version and price declared, faces inside the
 * image, paid jobs that submit, finish with image bytes and units charged, reattach by id after a restart, and honour
 * an aborted signal. Adapter authors run it with their test runner's functions.
 *
 * @example
 * ```ts no-run
 * import { afterAll, beforeAll, describe, expect, it } from 'vitest';
 * import { providerContractTests } from '@model-studio/core/testing';
 * providerContractTests({ describe, it, expect, beforeAll, afterAll }, { name: 'my provider', setup: async () => ({ ... }) });
 * ```
 */
export function providerContractTests(api: ProviderContractTestApi, options: ProviderContractOptions): void {
  const { describe, it, expect, beforeAll, afterAll } = api;
  const adapters = options.adapters ?? ['detector', 'swapper', 'enhancer'];
  const timeout = options.timeout ?? 60_000;
  let subject: ProviderContractSubject | undefined;
  const ready = (): ProviderContractSubject => {
    if (!subject) throw new Error('providerContractTests: setup did not finish.');
    return subject;
  };
  const aborted = () => {
    const controller = new AbortController();
    controller.abort(new Error('aborted by the provider contract suite'));
    return controller.signal;
  };

  describe(`${options.name}: provider contract`, () => {
    beforeAll(async () => {
      subject = await options.setup();
    }, timeout);
    afterAll(async () => {
      await subject?.teardown?.();
    }, timeout);

    it('declares specificationVersion v1, a provider id and prices', () => {
      for (const name of adapters) {
        const adapter = ready()[name];
        expect(adapter === undefined ? `${name} missing from setup()` : adapter.specificationVersion).toBe('v1');
        expect(typeof adapter?.provider === 'string' && adapter.provider.length > 0).toBe(true);
        if (adapter && 'price' in adapter) {
          expect(adapter.price.units).toBeGreaterThan(0);
          expect(typeof adapter.price.unit === 'string' && adapter.price.unit.length > 0).toBe(true);
        }
      }
    });

    if (adapters.includes('detector')) {
      describe('FaceDetector', () => {
        it(
          'finds the face of the target, inside the image bounds',
          async () => {
            const { detector, storage, sampleKeys } = ready();
            const size = imageDimensions(await readAll(await storage.get(sampleKeys.target)));
            const faces = (await detector?.detectFaces({ key: sampleKeys.target })) ?? [];
            expect(faces.length).toBeGreaterThanOrEqual(1);
            for (const { box } of faces) {
              expect(box.width).toBeGreaterThan(0);
              expect(box.height).toBeGreaterThan(0);
              expect(box.x).toBeGreaterThanOrEqual(0);
              expect(box.y).toBeGreaterThanOrEqual(0);
              if (size) {
                expect(box.x + box.width).toBeLessThanOrEqual(size.width);
                expect(box.y + box.height).toBeLessThanOrEqual(size.height);
              }
            }
          },
          timeout,
        );

        it(
          'rejects when the signal is already aborted',
          async () => {
            const signal = aborted();
            const error = await rejection(async () =>
              ready().detector?.detectFaces({ key: ready().sampleKeys.target }, { signal }),
            );
            expect(isAbortRejection(error, signal.reason)).toBe(true);
          },
          timeout,
        );
      });
    }

    for (const operation of paidOperations) {
      if (!adapters.includes(operation.adapter)) continue;
      describe(operation.title, () => {
        let job: ProviderJob | undefined;
        const submitted = (): ProviderJob => {
          if (!job) throw new Error('no job: the submit test failed');
          return job;
        };

        it(
          `submits ${operation.noun} and returns a job with an id`,
          async () => {
            job = await operation.submit(ready(), ready().sampleKeys.target);
            expect(typeof job.id === 'string' && job.id.length > 0).toBe(true);
            expect(job.provider).toBe(operation.priced(ready()).provider);
          },
          timeout,
        );

        it(
          'waits for the job: image bytes and the units charged',
          async () => {
            const result: ProviderJobResult = await operation.wait(ready(), submitted());
            expect(result.job.id).toBe(submitted().id);
            expect(result.bytes.byteLength).toBeGreaterThan(0);
            expect(imageDimensions(result.bytes) !== undefined || result.contentType.startsWith('image/')).toBe(true);
            expect(result.units).toBeGreaterThan(0);
            expect(result.unit).toBe(operation.priced(ready()).price.unit);
          },
          timeout,
        );

        it(
          'reattaches by id from a fresh handle after a restart',
          async () => {
            const restarted = await ready().restart?.();
            const result = await operation.wait(ready(), fromJournal(submitted()), {}, restarted);
            expect(result.job.id).toBe(submitted().id);
            expect(result.bytes.byteLength).toBeGreaterThan(0);
          },
          timeout,
        );

        it(
          'rejects an aborted signal on submit and on wait',
          async () => {
            const signal = aborted();
            const onSubmit = await rejection(() => operation.submit(ready(), ready().sampleKeys.target, { signal }));
            expect(isAbortRejection(onSubmit, signal.reason)).toBe(true);
            const onWait = await rejection(() => operation.wait(ready(), fromJournal(submitted()), { signal }));
            expect(isAbortRejection(onWait, signal.reason)).toBe(true);
          },
          timeout,
        );

        it(
          'refuses a missing storage key',
          async () => {
            const error = await rejection(() => operation.submit(ready(), 'provider-contract/missing.jpg'));
            expect(error instanceof Error).toBe(true);
          },
          timeout,
        );
      });
    }
  });
}

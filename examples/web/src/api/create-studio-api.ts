import { createStudioClient } from '@model-studio/server/client';
import { ApiProblem, type ProblemBody } from './api-problem.js';
import type {
  FileLink,
  JobEvent,
  JobView,
  LoraComparisonView,
  LoraSideView,
  LossPoint,
  ResultView,
  StudioApi,
  UploadOutcome,
} from './studio-api.js';

/** Settings of {@link createStudioApi}. */
export interface StudioApiOptions {
  /** The server's origin, e.g. `http://127.0.0.1:3000` (the page's own origin when served by `studio-server`). */
  baseUrl: string;
  /** An API key (`msk_...`): sent as `Authorization: Bearer`, and as a WebSocket subprotocol for live events. */
  apiKey: string;
}

/** The data of a typed client's answer, or its problem details thrown as an {@link ApiProblem}. */
function must<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.error !== undefined || answer.data === undefined) {
    throw new ApiProblem(answer.response.status, answer.error as ProblemBody | undefined);
  }
  return answer.data;
}

interface UploadResult {
  name: string;
  accepted: boolean;
  storedName?: string;
  reason?: { code: string; message: string };
  warnings?: { code: string; message: string }[];
}

function outcome(result: UploadResult): UploadOutcome {
  return {
    file: result.name,
    accepted: result.accepted,
    ...(result.storedName !== undefined && { storedName: result.storedName }),
    ...(result.reason && { code: result.reason.code, reason: result.reason.message }),
    warnings: (result.warnings ?? []).map((warning) => warning.message),
  };
}

function filesForm(files: File[], fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [field, value] of Object.entries(fields)) form.append(field, value);
  for (const file of files) form.append('files', file, file.name);
  return form;
}

/** Pairs each enhanced result with the swapped image it was made from. */
function pairResults(links: ResultView[]): ResultView[] {
  const swapped = new Map(links.filter((link) => link.stage === 'swapped').map((link) => [link.name, link]));
  return links
    .filter((link) => link.stage === 'enhanced')
    .map((link) => {
      const before = swapped.get(link.name.replace(/-enhanced(\.[a-z]+)$/, '-swapped$1'));
      return before ? { ...link, before } : link;
    });
}

/** One side of `GET .../loras/compare` (`{ record, final, loss, ... }`) as the view needs it. */
function comparisonSide(raw: unknown): LoraSideView {
  const side = raw as {
    record: { version: string; sandbox: boolean; metrics: { steps: number } };
    final: boolean;
    loss?: LossPoint[];
  };
  return {
    version: side.record.version,
    final: side.final,
    sandbox: side.record.sandbox,
    loss: side.loss ?? [],
    steps: side.record.metrics.steps,
  };
}

/** The dashboard's API over the server's generated typed client (`@model-studio/server/client`). */
export function createStudioApi(options: StudioApiOptions): StudioApi {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const client = createStudioClient({ baseUrl, apiKey: options.apiKey });
  const modelPath = (model: string) => ({ params: { path: { model } } });
  const jobPath = (id: string) => ({ params: { path: { id } } });
  const links = async (model: string, stage: string): Promise<FileLink[]> =>
    must(await client.GET('/v1/models/{model}/results', { params: { path: { model }, query: { stage } } })).results;

  return {
    baseUrl,
    me: async () => must(await client.GET('/v1/me')),
    health: async () => must(await client.GET('/v1/health')),
    listModels: async () => must(await client.GET('/v1/models')).models.map((model) => model.name),
    async createModel(name, settings) {
      const body = settings?.minShortSide
        ? { name, settings: { thresholds: { minShortSide: settings.minShortSide } } }
        : { name };
      must(await client.POST('/v1/models', { body }));
    },
    async getModel(name) {
      const overview = must(await client.GET('/v1/models/{model}', modelPath(name)));
      const costSoFar = Object.fromEntries(overview.costs.map((row) => [row.unitOfAccount, row.actual]));
      return { ...overview, costSoFar };
    },
    // The first source: a model has few sources, while asking for results would sign a link for every one of them.
    thumbnail: async (name) => (await links(name, 'source'))[0]?.url,
    getConsent: async (name) =>
      must(await client.GET('/v1/models/{model}/consent', modelPath(name))).consent ?? undefined,
    async putConsent(name, consent) {
      must(await client.PUT('/v1/models/{model}/consent', { ...modelPath(name), body: consent }));
    },
    async revokeConsent(name, body) {
      const answer = must(await client.POST('/v1/models/{model}/consent/revoke', { ...modelPath(name), body }));
      return { deletedKeys: answer.deletedKeys };
    },
    async listSources(name) {
      const [list, urls] = await Promise.all([
        client.GET('/v1/models/{model}/sources', modelPath(name)),
        links(name, 'source'),
      ]);
      const byName = new Map(urls.map((link) => [link.name, link.url]));
      return must(list).sources.map((source) => ({ ...source, url: byName.get(source.name) }));
    },
    listTargets: async (name) => must(await client.GET('/v1/models/{model}/targets', modelPath(name))).targets,
    async uploadSources(name, files) {
      const answer = await client.POST('/v1/models/{model}/sources', {
        ...modelPath(name),
        body: filesForm(files) as never,
      });
      return must(answer).results.map(outcome);
    },
    async uploadTargets(name, provenance, files) {
      const fields: Record<string, string> = {
        rating: provenance.rating,
        origin: provenance.origin,
        rightsStatement: provenance.rightsStatement,
      };
      if (provenance.adultsConsented !== undefined) fields.adultsConsented = String(provenance.adultsConsented);
      const answer = await client.POST('/v1/models/{model}/targets', {
        ...modelPath(name),
        body: filesForm(files, fields) as never,
      });
      return must(answer).results.map(outcome);
    },
    async estimate(name, body) {
      const estimate = must(await client.POST('/v1/models/{model}/estimate', { ...modelPath(name), body }));
      const stages = Object.entries(estimate.perOp).map(([stage, op]) => ({
        stage,
        count: op.count,
        amount: op.amount,
        unit: op.unit,
        unitPrice: op.count > 0 ? op.amount / op.count : 0,
      }));
      return { ...estimate, stages };
    },
    startRun: async (name, body) =>
      must(await client.POST('/v1/models/{model}/runs', { ...modelPath(name), body })) as JobView,
    resumeJob: async (id) => must(await client.POST('/v1/jobs/{id}/resume', jobPath(id))) as JobView,
    getJob: async (id) => must(await client.GET('/v1/jobs/{id}', jobPath(id))) as JobView,
    cancelJob: async (id) => must(await client.POST('/v1/jobs/{id}/cancel', jobPath(id))) as JobView,
    listResults: async (name) => pairResults(await links(name, 'enhanced,swapped')),
    startCaptionJob: async (name) =>
      must(await client.POST('/v1/models/{model}/captions/jobs', { ...modelPath(name), body: {} })) as JobView,
    listCaptions: async (name) => must(await client.GET('/v1/models/{model}/captions', modelPath(name))).captions,
    setCaption: async (name, image, text) =>
      must(
        await client.PATCH('/v1/models/{model}/captions/{name}', {
          params: { path: { model: name, name: image } },
          body: { text },
        }),
      ),
    editCaptions: async (name, edit) =>
      must(await client.POST('/v1/models/{model}/captions/edits', { ...modelPath(name), body: edit })),
    async undoCaptions(name) {
      const answer = must(await client.POST('/v1/models/{model}/captions/undo', { ...modelPath(name), body: {} }));
      return { description: answer.undone.description, restored: answer.restored };
    },
    openJobEvents(id, onEvent, onClose) {
      const url = new URL(`${baseUrl}/v1/jobs/${encodeURIComponent(id)}/events`);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      // Browsers cannot set headers on a WebSocket: the key goes as a subprotocol beside `studio-events`.
      const socket = new WebSocket(url, ['studio-events', `studio-key.${options.apiKey}`]);
      socket.onmessage = (message) => onEvent(JSON.parse(String(message.data)) as JobEvent);
      socket.onclose = (event) => onClose(event.code);
      return () => socket.close(1000, 'left the page');
    },
    listDatasets: async (name) => must(await client.GET('/v1/models/{model}/datasets', modelPath(name))).datasets,
    buildDataset: async (name, body) =>
      must(await client.POST('/v1/models/{model}/datasets', { ...modelPath(name), body })),
    preflight: async (name, body) =>
      must(await client.POST('/v1/models/{model}/trainings/preflight', { ...modelPath(name), body })),
    startTraining: async (name, body) =>
      must(await client.POST('/v1/models/{model}/trainings', { ...modelPath(name), body })) as JobView,
    listLoras: async (name) => must(await client.GET('/v1/models/{model}/loras', modelPath(name))).loras,
    async promoteLora(name, version) {
      must(
        await client.POST('/v1/models/{model}/loras/{version}/promote', { params: { path: { model: name, version } } }),
      );
    },
    async compareLoras(name, a, b) {
      const raw = must(
        await client.GET('/v1/models/{model}/loras/compare', { params: { path: { model: name }, query: { a, b } } }),
      ) as Record<string, unknown>;
      const comparison: LoraComparisonView = {
        a: comparisonSide(raw.a),
        b: comparisonSide(raw.b),
        engines: raw.engines as LoraComparisonView['engines'],
        configDiff: (raw.configDiff ?? []) as LoraComparisonView['configDiff'],
        artifacts: (raw.artifacts ?? []) as LoraComparisonView['artifacts'],
      };
      if (raw.identity) comparison.identity = raw.identity as NonNullable<LoraComparisonView['identity']>;
      return comparison;
    },
    loraSamples: async (name, version) =>
      must(
        await client.GET('/v1/models/{model}/loras/{version}/samples', { params: { path: { model: name, version } } }),
      ).samples,
    loraLink: async (name, version) =>
      must(
        await client.POST('/v1/models/{model}/loras/{version}/links', {
          params: { path: { model: name, version } },
          body: { expiresIn: 900 },
        }),
      ),
    async listModelCards({ limit = 100, cursor } = {}) {
      const query = { include: 'summary' as const, limit, ...(cursor !== undefined && { cursor }) };
      const page = must(await client.GET('/v1/models', { params: { query } }));
      const models = page.models.flatMap(({ name, summary }) => {
        if (!summary) return [];
        const { costs, thumbnail, ...counts } = summary;
        const costSoFar = Object.fromEntries(costs.map((row) => [row.unitOfAccount, row.actual]));
        return [{ name, ...counts, costSoFar, ...(thumbnail && { thumbnail: thumbnail.url }) }];
      });
      return { models, sandbox: page.sandbox, ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }) };
    },
    credits: async () => must(await client.GET('/v1/credits')),
    listKeys: async () => must(await client.GET('/v1/keys')).keys,
    createKey: async (body) => must(await client.POST('/v1/keys', { body })),
    revokeKey: async (id) => must(await client.DELETE('/v1/keys/{id}', { params: { path: { id } } })),
  };
}

import { captionerContractTests, imageScorerContractTests } from '@model-studio/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClipIqaScorer,
  createHfImageToTextCaptioner,
  createHfVlmCaptioner,
  createOfflineCaptioner,
  createOllamaCaptioner,
  createOpenAiCompatibleCaptioner,
} from '../src/index.js';
import { type CaptionSandbox, startCaptionSandbox } from '../src/testing/index.js';
import { astronaut, coffee, graceFacts, graceHopper } from './fixtures.js';

const api = { describe, it, expect, beforeAll, afterAll };
let sandbox: CaptionSandbox;
beforeAll(async () => {
  sandbox = await startCaptionSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

captionerContractTests(api, {
  name: 'offline',
  create: () => createOfflineCaptioner(),
  image: graceHopper,
  facts: graceFacts,
});
captionerContractTests(api, {
  name: 'offline (natural, no facts)',
  create: () => createOfflineCaptioner(),
  image: astronaut,
  subject: { trigger: 'ohwx', classWord: 'woman', style: 'natural' },
});
captionerContractTests(api, {
  name: 'Hugging Face VLM (sandbox)',
  create: () => createHfVlmCaptioner({ endpointUrl: sandbox.url, accessToken: sandbox.accessToken }),
  image: graceHopper,
});
captionerContractTests(api, {
  name: 'Hugging Face image-to-text (sandbox)',
  create: () => createHfImageToTextCaptioner({ endpointUrl: `${sandbox.url}/endpoints/blip-pipeline` }),
  image: astronaut,
});
captionerContractTests(api, {
  name: 'OpenAI-compatible (sandbox)',
  create: () => createOpenAiCompatibleCaptioner({ baseUrl: `${sandbox.url}/v1`, model: 'qwen2.5vl:7b' }),
  image: graceHopper,
  subject: { trigger: 'ohwx', classWord: 'man', style: 'natural', prefix: 'ohwx portrait' },
});
captionerContractTests(api, {
  name: 'Ollama (sandbox)',
  create: () => createOllamaCaptioner({ baseUrl: sandbox.url, model: 'llava' }),
  image: astronaut,
});
imageScorerContractTests(api, {
  name: 'CLIP-IQA (sandbox)',
  create: () => createClipIqaScorer({ endpointUrl: `${sandbox.url}/models/openai/clip-vit-large-patch14` }),
  images: [{ image: graceHopper }, { image: astronaut }, { image: coffee }],
});

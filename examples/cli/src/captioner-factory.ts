import type { Captioner } from '@model-studio/core';
import type { CaptionerSettings } from './settings.js';
import { UsageError } from './usage-error.js';

/** The captioners `--captioner` accepts. */
export const captionerKinds = ['offline', 'hf', 'blip', 'openai', 'ollama'] as const;

/** One of {@link captionerKinds}. */
export type CaptionerKind = (typeof captionerKinds)[number];

/** A captioner and its description for screens (never a secret). */
export interface CliCaptioner {
  captioner: Captioner;
  label: string;
}

/**
 * The captioner a command uses: `--captioner`, else `CAPTIONER`, else the Hugging Face VLM when `HF_TOKEN` is set,
 * else the offline attribute captioner (free, no network: what the demo uses).
 */
export async function createCliCaptioner(settings: CaptionerSettings, flag?: string): Promise<CliCaptioner> {
  const kind = flag ?? settings.kind ?? (settings.hfToken ? 'hf' : 'offline');
  if (!captionerKinds.includes(kind as CaptionerKind)) {
    throw new UsageError(`Unknown captioner "${kind}": use one of ${captionerKinds.join(', ')}.`);
  }
  const captioning = await import('@model-studio/captioning');
  const need = (value: string | undefined, name: string, what: string) => {
    if (!value) throw new UsageError(`The ${kind} captioner needs ${name} (${what}).`);
    return value;
  };
  switch (kind as CaptionerKind) {
    case 'offline':
      return {
        captioner: captioning.createOfflineCaptioner(),
        label:
          'offline attribute captioner (free: describes shot, orientation, people and lighting from what the pipeline measured)',
      };
    case 'hf': {
      const token = need(settings.hfToken, 'HF_TOKEN', 'a Hugging Face access token');
      const model = settings.model ?? captioning.defaultHfVlmModel;
      const captioner = captioning.createHfVlmCaptioner({
        accessToken: token,
        model,
        ...(settings.hfEndpointUrl && { endpointUrl: settings.hfEndpointUrl }),
      });
      const where = settings.hfEndpointUrl ? `endpoint ${settings.hfEndpointUrl}` : 'Hugging Face Inference';
      return { captioner, label: `${model} on ${where} (paid per call)` };
    }
    case 'blip': {
      const endpointUrl = need(settings.hfEndpointUrl, 'HF_ENDPOINT_URL', 'your image-to-text Inference Endpoint');
      const captioner = captioning.createHfImageToTextCaptioner({
        endpointUrl,
        ...(settings.hfToken && { accessToken: settings.hfToken }),
        ...(settings.model && { model: settings.model }),
      });
      return { captioner, label: `image-to-text endpoint ${endpointUrl}` };
    }
    case 'openai':
    case 'ollama': {
      const baseUrl = need(settings.baseUrl, 'CAPTIONER_BASE_URL', 'the server address, e.g. http://127.0.0.1:11434');
      const model = need(settings.model, 'CAPTIONER_MODEL', 'the vision model on that server, e.g. qwen2.5vl:7b');
      const create = kind === 'ollama' ? captioning.createOllamaCaptioner : captioning.createOpenAiCompatibleCaptioner;
      const captioner = create({ baseUrl, model, ...(settings.apiKey && { apiKey: settings.apiKey }) });
      return { captioner, label: `${model} at ${baseUrl}${captioner.paid ? ' (paid per call)' : ' (local, free)'}` };
    }
  }
}

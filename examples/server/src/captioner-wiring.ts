import type { Captioner } from '@model-studio/core';
import type { ServerCaptionerSettings } from './server-config.js';

/**
 * The captioner jobs use, like the CLI's: `CAPTIONER`, else the Hugging Face VLM when `HF_TOKEN` is set, else the
 * offline attribute captioner (free, no network).
 */
export async function createServerCaptioner(settings: ServerCaptionerSettings): Promise<Captioner> {
  const kind = settings.kind ?? (settings.hfToken ? 'hf' : 'offline');
  const captioning = await import('@model-studio/captioning');
  const need = (value: string | undefined, name: string): string => {
    if (!value) throw new Error(`The ${kind} captioner needs ${name}.`);
    return value;
  };
  switch (kind) {
    case 'offline':
      return captioning.createOfflineCaptioner();
    case 'hf':
      return captioning.createHfVlmCaptioner({
        accessToken: need(settings.hfToken, 'HF_TOKEN'),
        model: settings.model ?? captioning.defaultHfVlmModel,
        ...(settings.hfEndpointUrl && { endpointUrl: settings.hfEndpointUrl }),
      });
    case 'blip':
      return captioning.createHfImageToTextCaptioner({
        endpointUrl: need(settings.hfEndpointUrl, 'HF_ENDPOINT_URL'),
        ...(settings.hfToken && { accessToken: settings.hfToken }),
        ...(settings.model && { model: settings.model }),
      });
    case 'openai':
    case 'ollama': {
      const create = kind === 'ollama' ? captioning.createOllamaCaptioner : captioning.createOpenAiCompatibleCaptioner;
      return create({
        baseUrl: need(settings.baseUrl, 'CAPTIONER_BASE_URL'),
        model: need(settings.model, 'CAPTIONER_MODEL'),
        ...(settings.apiKey && { apiKey: settings.apiKey }),
      });
    }
    default:
      throw new Error(`Unknown captioner "${kind}": use one of offline, hf, blip, openai, ollama.`);
  }
}

import type { DecodedImage } from './decode-image.js';
import { sandboxCaption, sandboxUsage, sandboxZeroShot } from './sandbox-answers.js';
import type { SandboxRoute } from './sandbox-faults.js';

/** A parsed sandbox request: its route, the image bytes it carries and what it asks. */
export interface SandboxCall {
  route: SandboxRoute;
  image: Uint8Array | undefined;
  model: string;
  prompt: string;
  labels: string[];
  /** Image-to-text answers as `[{generated_text}]` (the transformers pipeline's shape) instead of an object. */
  arrayShape: boolean;
}

function imageFromDataUrl(url: unknown): Uint8Array | undefined {
  if (typeof url !== 'string') return undefined;
  const match = url.match(/^data:[^;,]+;base64,(.*)$/s);
  return match ? new Uint8Array(Buffer.from(match[1]!, 'base64')) : undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: a request body of unknown shape, read defensively with optional chaining.
function chatCall(body: any): SandboxCall {
  const content = body?.messages?.[0]?.content;
  // biome-ignore lint/suspicious/noExplicitAny: message parts of unknown shape, read defensively.
  const parts: any[] = Array.isArray(content) ? content : [];
  const prompt = parts.find((p) => p?.type === 'text')?.text ?? (typeof content === 'string' ? content : '');
  const image = imageFromDataUrl(parts.find((p) => p?.type === 'image_url')?.image_url?.url);
  return { route: 'chat', image, model: String(body?.model ?? ''), prompt, labels: [], arrayShape: false };
}

// biome-ignore lint/suspicious/noExplicitAny: a request body of unknown shape, read defensively with optional chaining.
function ollamaCall(body: any): SandboxCall {
  const message = body?.messages?.[0];
  const raw = message?.images?.[0];
  const image = typeof raw === 'string' ? new Uint8Array(Buffer.from(raw, 'base64')) : undefined;
  return {
    route: 'ollama',
    image,
    model: String(body?.model ?? ''),
    prompt: String(message?.content ?? ''),
    labels: [],
    arrayShape: false,
  };
}

/** Finds the route of `method path` and parses its body; `undefined` for an unknown route. */
export function parseSandboxCall(path: string, contentType: string, raw: Buffer): SandboxCall | undefined {
  const json = () => JSON.parse(raw.toString('utf8'));
  if (/^(?:\/[\w.-]+)?(?:\/models\/[\w.-]+\/[\w.-]+)?\/v1\/chat\/completions$/.test(path)) return chatCall(json());
  if (path === '/api/chat') return ollamaCall(json());
  if (path === '/endpoints/blip' || path === '/endpoints/blip-pipeline') {
    const image =
      contentType.startsWith('image/') || contentType === 'application/octet-stream' ? new Uint8Array(raw) : undefined;
    return {
      route: 'image-to-text',
      image,
      model: 'blip',
      prompt: '',
      labels: [],
      arrayShape: path.endsWith('-pipeline'),
    };
  }
  const zeroShot = path.match(/^(?:\/hf-inference)?\/models\/([\w.-]+\/[\w.-]+)$/);
  if (zeroShot) {
    const body = json();
    const image =
      typeof body?.inputs?.image === 'string' ? new Uint8Array(Buffer.from(body.inputs.image, 'base64')) : undefined;
    const labels = Array.isArray(body?.parameters?.candidate_labels)
      ? body.parameters.candidate_labels.map(String)
      : [];
    return { route: 'zero-shot', image, model: zeroShot[1]!, prompt: '', labels, arrayShape: false };
  }
  return undefined;
}

/** The normal answer of a route for a decoded image, with `caption` (possibly replaced by a fault). */
export function sandboxAnswer(call: SandboxCall, image: DecodedImage, caption = sandboxCaption(image)): unknown {
  const model = `sandbox/${call.model}`;
  switch (call.route) {
    case 'chat':
      return {
        id: `chatcmpl-sandbox-${Date.now()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: caption }, finish_reason: 'stop' }],
        usage: sandboxUsage(image, call.prompt, caption),
      };
    case 'ollama': {
      const usage = sandboxUsage(image, call.prompt, caption);
      return {
        model,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content: caption },
        done: true,
        prompt_eval_count: usage.prompt_tokens,
        eval_count: usage.completion_tokens,
      };
    }
    case 'image-to-text':
      return call.arrayShape ? [{ generated_text: caption }] : { generated_text: caption };
    case 'zero-shot':
      return sandboxZeroShot(image, call.labels);
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64Slot, JsonText, jsonWithBase64 } from '../src/http/json-with-base64.js';
import { createOllamaCaptioner, createOpenAiCompatibleCaptioner } from '../src/index.js';
import { type CaptionSandbox, startCaptionSandbox } from '../src/testing/index.js';
import { andie, graceHopper } from './fixtures.js';

const base64 = Buffer.from(graceHopper).toString('base64');

describe('jsonWithBase64: the text JSON.stringify would write, the image spliced in', () => {
  it('writes a data URL where the slot is, with a prefix and neighbours that need escaping', () => {
    const prompt = 'describe "this" photo\n\u00e9\u{1F600} \\ \u0000';
    const prefix = 'data:image/"odd";base64,';
    const body = { model: 'm', messages: [{ content: [{ text: prompt }, { url: base64Slot }] }], after: 'tail' };
    const text = jsonWithBase64(body, prefix, graceHopper).text;
    const expected = { ...body, messages: [{ content: [{ text: prompt }, { url: `${prefix}${base64}` }] }] };
    expect(text).toBe(JSON.stringify(expected));
    expect(JSON.parse(text)).toEqual(expected);
  });

  it('reads only the view of a subarray, not the whole buffer behind it', () => {
    const view = graceHopper.subarray(100, 200);
    const { text } = jsonWithBase64({ images: [base64Slot] }, '', view);
    expect(JSON.parse(text)).toEqual({ images: [Buffer.from(view).toString('base64')] });
  });

  it('refuses a body without the slot (a programming error) with a message naming it', () => {
    expect(() => jsonWithBase64({ images: [] }, '', graceHopper)).toThrow(/holds no base64Slot/);
  });

  it('returns a JsonText', () => {
    expect(jsonWithBase64([base64Slot], '', graceHopper)).toBeInstanceOf(JsonText);
  });
});

describe('the OpenAI-compatible and Ollama captioners send the exact image bytes', () => {
  let sandbox: CaptionSandbox;
  beforeAll(async () => {
    sandbox = await startCaptionSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  /** A fetch that keeps the bodies it sends, then sends them to the sandbox for real. */
  function recordingFetch(bodies: string[]): typeof fetch {
    return async (input, init) => {
      bodies.push(String(init?.body));
      return fetch(input, init);
    };
  }

  it('OpenAI-compatible: the data URL holds the image, and the sandbox decodes it', async () => {
    const bodies: string[] = [];
    const captioner = createOpenAiCompatibleCaptioner({
      baseUrl: sandbox.url,
      model: 'm',
      fetch: recordingFetch(bodies),
    });
    const result = await captioner.caption({ image: graceHopper, subject: andie });
    expect(result.text).toContain('andie');
    const sent = JSON.parse(bodies[0]!);
    expect(sent.messages[0].content[1].image_url.url).toBe(`data:image/jpeg;base64,${base64}`);
    expect(sent.model).toBe('m');
    expect(sandbox.requests().at(-1)?.image).toEqual({ width: 512, height: 512 });
  });

  it('Ollama: the images array holds the raw base64', async () => {
    const bodies: string[] = [];
    const captioner = createOllamaCaptioner({ baseUrl: sandbox.url, model: 'llava', fetch: recordingFetch(bodies) });
    await captioner.caption({ image: graceHopper });
    const sent = JSON.parse(bodies[0]!);
    expect(sent.messages[0].images).toEqual([base64]);
    expect(sent.stream).toBe(false);
    expect(sandbox.requests().at(-1)?.image).toEqual({ width: 512, height: 512 });
  });
});

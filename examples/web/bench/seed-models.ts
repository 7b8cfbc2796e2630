import { readFileSync } from 'node:fs';
import { createStudioClient } from '@model-studio/server/client';

const photo = readFileSync(new URL('../test/fixtures/grace_hopper.jpg', import.meta.url));

/**
 * Creates `count` models through the server's typed client, each with a consent record and one source photo (so each
 * dashboard card has a thumbnail), `concurrency` models at a time. Answers their names.
 */
export async function seedModels(options: {
  baseUrl: string;
  apiKey: string;
  count: number;
  concurrency: number;
}): Promise<string[]> {
  const client = createStudioClient({ baseUrl: options.baseUrl, apiKey: options.apiKey });
  const names = Array.from({ length: options.count }, (_, index) => `bench-${String(index + 1).padStart(3, '0')}`);
  const seedOne = async (name: string) => {
    const created = await client.POST('/v1/models', {
      body: { name, settings: { thresholds: { minShortSide: 512 } } },
    });
    if (created.error) throw new Error(`create ${name}: ${JSON.stringify(created.error)}`);
    const path = { params: { path: { model: name } } };
    const consent = await client.PUT('/v1/models/{model}/consent', {
      ...path,
      body: {
        subject: 'Grace Hopper (public-domain demo photo)',
        adultAttested: true,
        attestedBy: 'web bench',
        allowedRatings: ['sfw'],
        allowedUses: ['swap'],
        obtainedAt: '2026-01-15T10:00:00Z',
        evidenceRef: 'demo: US Navy photo, public domain',
      },
    });
    if (consent.error) throw new Error(`consent ${name}: ${JSON.stringify(consent.error)}`);
    const form = new FormData();
    form.append('files', new Blob([photo], { type: 'image/jpeg' }), 'grace_hopper.jpg');
    const uploaded = await client.POST('/v1/models/{model}/sources', { ...path, body: form as never });
    if (uploaded.error || !uploaded.data.results[0]?.accepted) {
      throw new Error(`upload ${name}: ${JSON.stringify(uploaded.error ?? uploaded.data)}`);
    }
  };
  const queue = [...names];
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) await seedOne(name);
    }),
  );
  return names;
}

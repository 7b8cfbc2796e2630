import { existsSync, readFileSync } from 'node:fs';
import { createStudioClient } from '@model-studio/server/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedChromium, startChromium } from './support/chromium.js';
import { checkPage, screenshotFolder } from './support/page-checks.js';
import { type StartedStudioServer, startStudioServer } from './support/studio-server.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

/** Drops files on a drop zone the way a browser does (a `drop` event carrying a DataTransfer). */
async function dropFiles(page: Page, zoneLabel: string, files: { name: string; type: string }[]) {
  const payload = files.map((file) => ({ ...file, base64: readFileSync(fixture(file.name)).toString('base64') }));
  const transfer = await page.evaluateHandle((list) => {
    const data = new DataTransfer();
    for (const file of list) {
      const bytes = Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0));
      data.items.add(new File([bytes], file.name, { type: file.type }));
    }
    return data;
  }, payload);
  const zone = page.getByRole('group', { name: `${zoneLabel}: drop zone` });
  await zone.dispatchEvent('dragover', { dataTransfer: transfer });
  await zone.dispatchEvent('drop', { dataTransfer: transfer });
}

// The dashboard in Debian's Chromium against the real studio-server (built, sandboxes, temp workspace, free port).
describe('web dashboard in Chromium', () => {
  let server: StartedStudioServer;
  let chrome: StartedChromium;
  let page: Page;
  let shots: string;

  beforeAll(async () => {
    if (!existsSync(new URL('../dist/index.html', import.meta.url))) {
      throw new Error(
        'examples/web/dist is missing: run "pnpm build" (or pnpm --filter @model-studio/web build) first.',
      );
    }
    [server, chrome] = await Promise.all([startStudioServer(), startChromium()]);
    page = await chrome.context.newPage();
    page.setDefaultTimeout(20_000);
    shots = screenshotFolder();
    console.log(`web dashboard screenshots: ${shots}`);
  });

  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
  });

  it('signs in with the admin key the server printed; a wrong key is refused with the reason', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'AI Model Studio' }).waitFor();
    await checkPage(page, shots, 'sign-in');
    await page.getByLabel('API key').fill('msk_not-a-real-key-at-all-0000000000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Sign-in failed');
    await page.getByLabel('API key').fill(server.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Models' }).waitFor();
    expect(page.url()).not.toContain(server.adminKey);
    expect(await page.evaluate(() => sessionStorage.getItem('model-studio.api-key'))).toBe(server.adminKey);
    await page.getByText('SANDBOX').first().waitFor();
    await page.getByText('admin (admin key)').waitFor();
  });

  it('creates a model, records consent, uploads by picker and by drop with a per-file answer', async () => {
    await page.getByLabel('New model name').fill('grace');
    await page.getByLabel('Shortest side (px, optional)').fill('512');
    await page.getByRole('button', { name: 'Create model' }).click();
    await page.getByRole('heading', { name: 'grace', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/models/grace');

    await page.getByLabel('Subject (name as on the evidence)').fill('Grace Hopper (public-domain demo photo)');
    await page.getByLabel('Adult attested by').fill('web test operator');
    await page.getByLabel('Evidence reference').fill('demo: US Navy photo, public domain');
    await page.getByLabel('The subject is an adult (attested)').check();
    await page.getByLabel('train', { exact: true }).check();
    await page.getByRole('button', { name: 'Record consent' }).click();
    await page.getByText('Consent recorded: sfw').waitFor();

    // The picker is keyboard reachable: Tab from the drop zone's text lands on it (the input itself, visually hidden).
    const picker = page.getByLabel('Upload source photos', { exact: true });
    await page.getByText("Photos of the subject's face").click();
    await page.keyboard.press('Tab');
    expect(await picker.evaluate((input) => input === document.activeElement)).toBe(true);
    await page
      .getByLabel('Upload source photos', { exact: true })
      .setInputFiles([fixture('grace_hopper.jpg'), fixture('text-renamed.jpg')]);
    const sources = page.getByRole('list', { name: 'Source upload per file' });
    await sources.waitFor();
    await page.getByText('Source upload: 1 accepted, 1 rejected').waitFor();
    await expect(sources.textContent()).resolves.toMatch(/grace_hopper\.jpg: accepted as grace-source-1\.jpg/);
    await expect(sources.textContent()).resolves.toMatch(/text-renamed\.jpg: rejected \(\S+\): \S+/);
    await page.getByRole('list', { name: 'Sources' }).getByRole('img', { name: 'grace-source-1.jpg' }).waitFor();

    await page.getByLabel('Where the photos came from').fill('bundled public-domain samples');
    await page.getByLabel('I hold the rights to use these photos.').check();
    await dropFiles(page, 'Upload target photos', [
      { name: 'grace_hopper_tilt25.jpg', type: 'image/jpeg' },
      { name: 'coffee.jpg', type: 'image/jpeg' },
    ]);
    const targets = page.getByRole('list', { name: 'Target upload per file' });
    await targets.waitFor({ timeout: 30_000 });
    await expect(targets.textContent()).resolves.toMatch(/grace_hopper_tilt25\.jpg: accepted as grace-t001\.jpg/);
    await expect(targets.textContent()).resolves.toMatch(/coffee\.jpg: rejected \(\S+\): .*face/i);
    await page.getByRole('list', { name: 'Targets' }).getByText('grace-t001.jpg').waitFor();
    await checkPage(page, shots, 'model-uploads');
  });

  it('estimates the cost, starts, cancels and resumes a run with live progress over the WebSocket, then compares the results', async () => {
    await page.getByRole('button', { name: 'Estimate cost' }).click();
    const table = page.getByRole('table', { name: 'Estimated cost per stage' });
    await table.waitFor();
    await page.getByText(/1 sources × 1 targets \(sfw\) = 1 units/).waitFor();
    await expect(table.textContent()).resolves.toMatch(/swap/);
    // The MaxStudio sandbox's credits left, against the estimate.
    await page.getByText(/Credits left: \d+ SANDBOX credits: the run fits \(it needs \d+\)/).waitFor();

    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.getByRole('button', { name: 'Start run' }).click();
    const progress = page.getByRole('progressbar', { name: 'Run progress' });
    await progress.waitFor();
    // A sandbox unit takes seconds (swap then enhance): the cancel lands while the job is queued or running.
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByText(/run cancelled/).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Resume run' }).click();
    await page.waitForFunction(
      () => document.querySelector('[role=progressbar]')?.getAttribute('aria-valuetext')?.startsWith('1 of 1'),
      undefined,
      { timeout: 60_000 },
    );
    await page.getByText(/run completed/).waitFor({ timeout: 30_000 });
    await expect(progress.getAttribute('aria-valuetext')).resolves.toMatch(/^1 of 1, now grace-s1-t001-sfw/);
    expect(sockets).toHaveLength(2);
    for (const socket of sockets) {
      expect(socket).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/jobs\/[^/]+\/events$/);
      expect(socket).not.toContain(server.adminKey);
    }

    const results = page.getByRole('list', { name: 'Results' });
    await results.getByText('grace-s1-t001-sfw-enhanced.jpg').waitFor();
    const slider = page.getByRole('slider', {
      name: /Compare: Target grace-t001\.jpg \(left\) and Enhanced grace-s1-t001-sfw-enhanced\.jpg/,
    });
    // Its two images: the target photo the result was made from, and the enhanced result (signed storage links).
    await page.waitForFunction(() => {
      const images = [...document.querySelectorAll<HTMLImageElement>('figure[data-compare] img')];
      return images.length === 2 && images.every((image) => image.complete && image.naturalWidth > 0);
    });
    const compared = await page
      .locator('figure[data-compare] img')
      .evaluateAll((images: HTMLImageElement[]) => images.map((image) => [image.alt, new URL(image.src).pathname]));
    expect(compared).toEqual([
      ['Target grace-t001.jpg', '/models/grace/targets/sfw/grace-t001.jpg'],
      [
        'Enhanced grace-s1-t001-sfw-enhanced.jpg',
        '/models/grace/results/sfw/source_1/enhanced/grace-s1-t001-sfw-enhanced.jpg',
      ],
    ]);
    await slider.focus();
    await page.keyboard.press('End');
    await expect(slider.inputValue()).resolves.toBe('100');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect(slider.inputValue()).resolves.toBe('98');
    const download = page.getByRole('link', { name: 'Download grace-s1-t001-sfw-enhanced.jpg' });
    const href = await download.getAttribute('href');
    const image = await fetch(href ?? '');
    expect(image.status).toBe(200);
    expect(new Uint8Array(await image.arrayBuffer()).subarray(0, 2)).toEqual(new Uint8Array([0xff, 0xd8]));
    await checkPage(page, shots, 'model-results');
  });

  it('captions the results, then reviews them: an inline edit, a previewed bulk prefix, and an undo', async () => {
    await page.getByRole('button', { name: 'Caption results' }).click();
    await page.getByText(/Caption job: caption completed/).waitFor({ timeout: 60_000 });
    const captions = page.getByRole('list', { name: 'Captions' });
    const box = captions.getByLabel('Caption of grace-s1-t001-sfw-enhanced.jpg', { exact: true });
    await box.waitFor();
    expect(await box.inputValue()).not.toBe('');

    await box.fill('a portrait of a woman in a navy uniform');
    await captions.getByRole('button', { name: 'Save the caption of grace-s1-t001-sfw-enhanced.jpg' }).click();
    await page
      .locator('[data-caption="grace-s1-t001-sfw-enhanced.jpg"]')
      .getByText(/edited by person/)
      .waitFor();
    expect(await box.inputValue()).toBe('a portrait of a woman in a navy uniform');

    await page.getByLabel('Prefix').fill('photo of gracehopper, ');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview of the edit' });
    await preview.getByText('photo of gracehopper, a portrait of a woman in a navy uniform').waitFor();
    expect(await captions.getByLabel('Caption of grace-s1-t001-sfw-enhanced.jpg', { exact: true }).inputValue()).toBe(
      'a portrait of a woman in a navy uniform',
    );
    await preview.getByRole('button', { name: 'Apply to 1 captions' }).click();
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLTextAreaElement>('[data-caption="grace-s1-t001-sfw-enhanced.jpg"] textarea')
          ?.value === 'photo of gracehopper, a portrait of a woman in a navy uniform',
    );
    await checkPage(page, shots, 'model-captions');

    await page.getByRole('button', { name: 'Undo last edit' }).click();
    await page.getByText(/Undone: .*\(1 captions restored\)/).waitFor();
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLTextAreaElement>('[data-caption="grace-s1-t001-sfw-enhanced.jpg"] textarea')
          ?.value === 'a portrait of a woman in a navy uniform',
    );
  });

  it('shows the model on the dashboard with its thumbnail, counts, cost, consent and last job', async () => {
    await page.getByRole('link', { name: 'Models' }).click();
    const card = page.locator('li[data-model="grace"]');
    await card.getByRole('img', { name: "grace: the subject's face (first source)" }).waitFor();
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>('li[data-model="grace"] img');
      return image?.complete && image.naturalWidth > 0;
    });
    const text = (await card.textContent()) ?? '';
    expect(text).toMatch(/Consent recorded: sfw/);
    expect(text).toMatch(/Sources\s*1(?!\d)/);
    expect(text).toMatch(/Targets\s*1 sfw/);
    expect(text).toMatch(/Results\s*1 sfw/);
    expect(text).toMatch(/Cost so far\s*\d+(\.\d+)? credits/);
    expect(text).toMatch(/Last job\s*caption completed/);
    await checkPage(page, shots, 'dashboard');

    // A refused request shows the server's problem detail.
    await page.getByLabel('New model name').fill('grace');
    await page.getByRole('button', { name: 'Create model' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/Could not create the model.*grace.*\(request \S+\)/);
  });

  it("lists the user's API keys with prefix and last use, creates one (shown once) and revokes it", async () => {
    await page.getByRole('link', { name: 'Your API keys' }).click();
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    const keys = page.getByRole('list', { name: 'API keys' });
    await keys.getByText('(this session)').waitFor();
    expect(await keys.textContent()).toMatch(/last used/);

    await page.getByLabel('Key name (optional)').fill('ci script');
    await page.getByLabel('Scope').selectOption('read');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByLabel('The new API key').inputValue();
    expect(secret).toMatch(/^msk_/);
    const row = page.locator(`li[data-key="${secret.slice(0, 8)}"]`);
    await row.getByText('never used').waitFor();
    const client = createStudioClient({ baseUrl: server.url, apiKey: secret });
    expect((await client.GET('/v1/me')).data?.key.scope).toBe('read');
    await checkPage(page, shots, 'keys');

    await row.getByRole('button', { name: /^Revoke ci script/ }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await row.getByText(/revoked/).waitFor();
    expect((await client.GET('/v1/me')).response.status).toBe(401);
    // The secret is shown once: a reload lists the key by its prefix only.
    await page.reload();
    await page.locator(`li[data-key="${secret.slice(0, 8)}"]`).waitFor();
    expect(await page.content()).not.toContain(secret);
    await page.getByRole('link', { name: 'Models' }).click();
    await page.getByRole('heading', { name: 'Models' }).waitFor();
  });

  it('revokes consent behind a confirmation that says what will be deleted, then signs out', async () => {
    await page.locator('li[data-model="grace"]').getByRole('link', { name: 'grace' }).click();
    await page.getByRole('button', { name: 'Revoke consent…' }).click();
    const form = page.getByRole('form', { name: 'Revoke consent' });
    expect(await form.textContent()).toMatch(/1 sources, targets \(1 sfw\), results \(1 sfw\).*cannot be undone/);
    await form.getByLabel("Reason (in the subject's or your words)").fill('The subject withdrew consent (web test).');
    await form.getByLabel("Also delete all of this model's data").check();
    await checkPage(page, shots, 'model-revoke');
    await form.getByRole('button', { name: 'Revoke consent and delete the data' }).click();
    await page.getByText(/Consent revoked\. [1-9]\d* stored files deleted\./).waitFor();
    await page.getByText('Consent revoked', { exact: true }).waitFor();
    await page.getByText('No results yet: start a run.').waitFor();
    await page.getByRole('button', { name: 'Start run' }).waitFor();

    await page.reload();
    await page.getByRole('heading', { name: 'grace', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('model-studio.api-key'))).toBeNull();
  });

  it('a key revoked while signed in brings the sign-in page back with the reason', async () => {
    const admin = createStudioClient({ baseUrl: server.url, apiKey: server.adminKey });
    const created = await admin.POST('/v1/keys', { body: { scope: 'write', name: 'web test' } });
    expect(created.response.status).toBe(201);
    const tab = await chrome.context.newPage();
    try {
      await tab.goto(server.url);
      await tab.getByLabel('API key').fill(created.data?.secret ?? '');
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.getByRole('heading', { name: 'Models' }).waitFor();
      const revoked = await admin.DELETE('/v1/keys/{id}', { params: { path: { id: created.data?.key.id ?? '' } } });
      expect(revoked.response.status).toBe(200);
      await tab.reload();
      await tab.getByText('The server refused your API key (revoked or unknown)').waitFor();
      await tab.getByLabel('API key').waitFor();
      expect(await tab.evaluate(() => sessionStorage.getItem('model-studio.api-key'))).toBeNull();
    } finally {
      await tab.close();
    }
  });
});

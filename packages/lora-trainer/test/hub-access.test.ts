import { ValidationError } from '@model-studio/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHubModelAccess } from '../src/index.js';
import { type HubSandbox, startHubSandbox } from '../src/testing/hub-emulator.js';

let hub: HubSandbox;
const granted = 'hf_sandbox_granted_token';
const notGranted = 'hf_sandbox_other_token';

beforeAll(async () => {
  hub = await startHubSandbox({
    tokens: [granted, notGranted],
    models: [
      { id: 'black-forest-labs/FLUX.1-dev', gated: 'auto', grantedTokens: [granted] },
      { id: 'stabilityai/stable-diffusion-xl-base-1.0' },
      { id: 'someone/private-model', private: true, grantedTokens: [granted] },
    ],
  });
});
afterAll(async () => {
  await hub.close();
});

const flux = 'black-forest-labs/FLUX.1-dev';

describe('checkHubModelAccess against the Hub sandbox', () => {
  it('ok for a gated model when the token was granted access', async () => {
    const access = await checkHubModelAccess({ model: flux, token: granted, hubUrl: hub.url });
    expect(access).toMatchObject({ status: 'ok', gated: 'auto' });
    expect(hub.requests.slice(-2)).toEqual([
      { method: 'GET', path: `/api/models/${flux}`, withToken: true },
      { method: 'GET', path: `/api/models/${flux}/auth-check`, withToken: true },
    ]);
  });

  it('gated-no-access when the account did not accept the licence, with the page to visit', async () => {
    const access = await checkHubModelAccess({ model: flux, token: notGranted, hubUrl: hub.url });
    expect(access).toMatchObject({ status: 'gated-no-access', httpStatus: 403 });
    expect(access.message).toContain(`${hub.url}/${flux}`);
    expect(access.message).not.toContain(notGranted);
  });

  it('gated-no-access without a token, without calling auth-check', async () => {
    const before = hub.requests.length;
    const access = await checkHubModelAccess({ model: flux, hubUrl: hub.url });
    expect(access.status).toBe('gated-no-access');
    expect(access.message).toContain('set HF_TOKEN');
    expect(hub.requests.length - before).toBe(1);
  });

  it('unauthorized for a refused token, never echoing it', async () => {
    const access = await checkHubModelAccess({ model: flux, token: 'hf_wrong_secret', hubUrl: hub.url });
    expect(access).toMatchObject({ status: 'unauthorized', httpStatus: 401 });
    expect(JSON.stringify(access)).not.toContain('hf_wrong_secret');
  });

  it('ok for a public model with no token', async () => {
    const access = await checkHubModelAccess({ model: 'stabilityai/stable-diffusion-xl-base-1.0', hubUrl: hub.url });
    expect(access).toMatchObject({ status: 'ok', gated: false });
  });

  it('not-found for a missing or private model', async () => {
    expect((await checkHubModelAccess({ model: 'nobody/nothing', token: granted, hubUrl: hub.url })).httpStatus).toBe(
      404,
    );
    const hidden = await checkHubModelAccess({ model: 'someone/private-model', hubUrl: hub.url });
    expect(hidden).toMatchObject({ status: 'not-found', httpStatus: 401 });
    expect(
      (await checkHubModelAccess({ model: 'someone/private-model', token: granted, hubUrl: hub.url })).status,
    ).toBe('ok');
  });

  it('unreachable on a 503 or a dropped connection', async () => {
    hub.injectFault({ path: '/api/models/', status: 503 });
    expect(await checkHubModelAccess({ model: flux, token: granted, hubUrl: hub.url })).toMatchObject({
      status: 'unreachable',
      httpStatus: 503,
    });
    hub.injectFault({ path: '/api/models/', status: 0 });
    expect((await checkHubModelAccess({ model: flux, token: granted, hubUrl: hub.url })).status).toBe('unreachable');
  });

  it('unreachable when the Hub does not answer within timeoutMs', async () => {
    hub.injectFault({ path: '/api/models/', status: -1 });
    const access = await checkHubModelAccess({ model: flux, token: granted, hubUrl: hub.url, timeoutMs: 300 });
    expect(access.status).toBe('unreachable');
    expect(access.httpStatus).toBeUndefined();
  });

  it('refuses a malformed repository name', async () => {
    await expect(checkHubModelAccess({ model: '../etc/passwd', hubUrl: hub.url })).rejects.toThrow(ValidationError);
  });

  it('rejects with the reason when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the user'));
    await expect(checkHubModelAccess({ model: flux, hubUrl: hub.url, signal: controller.signal })).rejects.toThrow(
      /cancelled by the user/,
    );
  });
});

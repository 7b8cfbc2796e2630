import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultInjector, type FaultPlan, type FaultRule } from './fault-plan.js';
import { malformedBody } from './malformed-body.js';
import type { SandboxApi } from './sandbox-api.js';
import type { SandboxJobs } from './sandbox-jobs.js';
import type { SandboxRequestRecord } from './sandbox-options.js';
import { bodies, readBody, routeOf, sendJson } from './sandbox-wire.js';

/**
 * Handles each request the sandbox receives: admin paths, the request log, the API key check, and the scripted
 * faults around the {@link SandboxApi}'s answers.
 */
export class SandboxRequestHandler {
  /** Every API request so far. */
  readonly log: SandboxRequestRecord[] = [];
  private faults: FaultInjector;

  constructor(
    private readonly api: SandboxApi,
    private readonly jobs: SandboxJobs,
    private readonly apiKeys: Set<string>,
    plan: FaultPlan | undefined,
  ) {
    this.faults = new FaultInjector(plan);
  }

  /** The fault plan in force. */
  get plan(): FaultPlan {
    return this.faults.plan;
  }

  /** Replaces the fault plan, resetting its counters. */
  setFaults(plan: FaultPlan): void {
    this.faults = new FaultInjector(plan);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://sandbox').pathname;
    if (path.startsWith('/__sandbox/')) return this.admin(request, response, path);
    const { route, jobId } = routeOf(method, path);
    const key = request.headers['x-api-key'];
    const record: SandboxRequestRecord = {
      seq: this.log.length + 1,
      at: performance.timeOrigin + performance.now(),
      method,
      path,
      route,
      apiKey: key === undefined ? 'missing' : typeof key === 'string' && this.apiKeys.has(key) ? 'valid' : 'invalid',
      status: null,
      ...(jobId === undefined ? {} : { jobId }),
    };
    this.log.push(record);
    const { rule, latencyMs } = this.faults.next(route);
    if (rule) record.fault = rule.kind;
    if (latencyMs > 0) await sleep(latencyMs);
    if (rule?.kind === 'drop-before-accept') {
      request.socket.destroy();
      return;
    }
    if (this.answerFault(rule, record, response)) return;
    if (route === 'result') {
      const file = await this.api.result(path, jobId);
      record.status = file ? 200 : 404;
      if (!file) return sendJson(response, 404, bodies.notFound);
      response.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.byteLength });
      response.end(file.bytes);
      return;
    }
    if (route === 'other') {
      record.status = 404;
      return sendJson(response, 404, bodies.notFound);
    }
    if (record.apiKey !== 'valid') {
      // The real API answers an invalid or missing key with 500, not 401.
      record.status = 500;
      return sendJson(response, 500, bodies.internal);
    }
    const answer = await this.api.answer(route, jobId, request, rule);
    if (answer.jobId !== undefined) record.jobId = answer.jobId;
    if ('upscale' in answer) record.upscale = answer.upscale;
    if (rule?.kind === 'drop-after-accept') {
      request.socket.destroy();
      return;
    }
    record.status = answer.status;
    if (rule?.kind === 'malformed-json' && answer.status === 200) {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(malformedBody(JSON.stringify(answer.body), rule.malformation));
      return;
    }
    sendJson(response, answer.status, answer.body);
  }

  /** Answers a 429 or 5xx fault (true), or does nothing (false). */
  private answerFault(rule: FaultRule | undefined, record: SandboxRequestRecord, response: ServerResponse): boolean {
    if (rule?.kind === 'rate-limit') {
      record.status = 429;
      const headers: Record<string, string> = rule.retryAfter === undefined ? {} : { 'retry-after': rule.retryAfter };
      sendJson(response, 429, bodies.rateLimited, headers);
      return true;
    }
    if (rule?.kind === 'server-error') {
      const status = rule.status ?? 503;
      record.status = status;
      sendJson(response, status, { status, error: status === 500 ? 'Internal Server Error' : 'Service Unavailable' });
      return true;
    }
    return false;
  }

  private async admin(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    if (request.method === 'GET' && path === '/__sandbox/billing') return sendJson(response, 200, this.jobs.billing());
    if (request.method === 'GET' && path === '/__sandbox/requests')
      return sendJson(response, 200, { requests: this.log });
    if (path === '/__sandbox/faults' && request.method === 'GET') return sendJson(response, 200, this.faults.plan);
    if (path === '/__sandbox/faults' && (request.method === 'PUT' || request.method === 'POST')) {
      const raw = await readBody(request);
      try {
        this.setFaults(JSON.parse(raw?.toString('utf8') ?? '{}') as FaultPlan);
      } catch {
        return sendJson(response, 400, { status: 400, error: 'Invalid JSON body' });
      }
      response.writeHead(204).end();
      return;
    }
    sendJson(response, 404, bodies.notFound);
  }
}

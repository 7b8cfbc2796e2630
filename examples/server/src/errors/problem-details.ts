import { ModelStudioError } from '@model-studio/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HttpProblem } from './http-problem.js';
import type { Problem } from './problem-schema.js';

/** HTTP status for each library error name (ModelStudioError subclasses and the job queue's errors). */
const statusByName: Record<string, number> = {
  ValidationError: 400,
  ConsentError: 409,
  NotFoundError: 404,
  JobNotFoundError: 404,
  ModelBusyError: 409,
  JobStateError: 409,
  BudgetExceededError: 409,
  ProviderError: 502,
  StorageError: 500,
};

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

function fastifyCode(error: FastifyError): string {
  if (error.statusCode === 413 || error.code === 'FST_REQ_FILE_TOO_LARGE') return 'PayloadTooLarge';
  if (error.statusCode === 429) return 'RateLimited';
  if (error.statusCode === 415) return 'UnsupportedMediaType';
  if (error.statusCode === 404) return 'NotFound';
  return 'ValidationError';
}

/** Status, code and detail for any thrown value; unknown errors are a 500 with a generic detail. */
export function classifyError(error: unknown): {
  status: number;
  code: string;
  detail: string;
  hint?: Problem['hint'];
} {
  if (error instanceof HttpProblem) return { status: error.statusCode, code: error.code, detail: error.message };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation
      .map((issue) => `${issue.instancePath || error.validationContext || 'request'}: ${issue.message}`)
      .join('; ');
    return { status: 400, code: 'ValidationError', detail: `The request is not valid: ${details}.` };
  }
  if (ModelStudioError.isInstance(error)) {
    const status = statusByName[error.name] ?? 400;
    const result: { status: number; code: string; detail: string; hint?: Problem['hint'] } = {
      status,
      code: error.name,
      detail: error.message,
    };
    if (error.hint) result.hint = { ...error.hint };
    return result;
  }
  if (error instanceof Error && statusByName[error.name] !== undefined) {
    return { status: statusByName[error.name] as number, code: error.name, detail: error.message };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return {
      status: fastifyError.statusCode,
      code: fastifyCode(fastifyError as FastifyError),
      detail: fastifyError.message ?? 'The request could not be handled.',
    };
  }
  return {
    status: 500,
    code: 'InternalError',
    detail: 'The server failed to handle the request; its log has the details (look for this requestId).',
  };
}

/** Replaces every secret value in `text` with `***`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length >= 4) result = result.split(secret).join('***');
  return result;
}

/** The problem details body for an error on this request. */
export function problemFor(error: unknown, request: FastifyRequest, secrets: readonly string[]): Problem {
  const { status, code, detail, hint } = classifyError(error);
  const problem: Problem = {
    type: `urn:model-studio:problem:${code}`,
    title: titles[status] ?? 'Error',
    status,
    detail: scrubSecrets(detail, secrets),
    instance: request.url.split('?')[0] ?? request.url,
    code,
    requestId: String(request.id),
  };
  if (hint) problem.hint = hint;
  return problem;
}

/** Sends `problem` as `application/problem+json`. */
export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/**
 * Fastify's error handler: every error becomes RFC 9457 problem details with the library's typed error name as
 * `code` and the request id; 5xx are logged with their stack, 4xx at debug level.
 */
export function problemErrorHandler(secrets: readonly string[]) {
  return function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const problem = problemFor(error, request, secrets);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.debug({ code: problem.code }, problem.detail);
    return sendProblem(reply, problem);
  };
}

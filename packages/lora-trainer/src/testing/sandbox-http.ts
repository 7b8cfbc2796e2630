import type { IncomingMessage, ServerResponse } from 'node:http';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Sends an RFC 9457 problem document, as RunPod does for every error. */
export function sendProblem(
  res: ServerResponse,
  status: number,
  detail: string,
  extra: { errors?: string[]; headers?: Record<string, string> } = {},
): void {
  const body = JSON.stringify({
    title: titles[status] ?? 'Error',
    status,
    detail,
    ...(extra.errors ? { errors: extra.errors } : {}),
  });
  res.writeHead(status, { 'content-type': 'application/problem+json', 'x-sandbox': 'runpod', ...extra.headers });
  res.end(body);
}

/** Sends JSON with a status. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-sandbox': 'runpod' });
  res.end(JSON.stringify(value));
}

/** Reads a JSON body; `undefined` for an empty body, a string (the parse error) for a bad one. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    return `malformed JSON body: ${(error as Error).message}`;
  }
}

/** An RFC 9457 problem details body, as the server answers errors. */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  requestId?: string;
}

/** A request the server refused: its status, the library's typed error name (`code`) and the detail to show. */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;

  constructor(status: number, body: ProblemBody | undefined) {
    super(body?.detail ?? body?.title ?? `The server answered ${status}.`);
    this.status = status;
    this.code = body?.code ?? (status === 401 ? 'Unauthorized' : 'HttpError');
    this.requestId = body?.requestId;
  }
}

/** A sentence for any error: the server's detail for problems, a network hint for failed fetches. */
export function describeError(error: unknown): string {
  if (error instanceof ApiProblem) {
    const id = error.requestId ? ` (request ${error.requestId})` : '';
    return `${error.message}${id}`;
  }
  if (error instanceof TypeError) return 'The server could not be reached. Is studio-server running?';
  return error instanceof Error ? error.message : String(error);
}

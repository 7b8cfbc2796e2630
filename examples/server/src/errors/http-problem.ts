/**
 * An HTTP error with a status and a code of its own (`Unauthorized`, `Forbidden`, `PayloadTooLarge`, ...), answered as
 * problem details. Library errors need no wrapping: the error handler maps them by their class name.
 */
export class HttpProblem extends Error {
  /** The HTTP status. */
  readonly statusCode: number;
  /** The problem's `code`, e.g. `Unauthorized`. */
  readonly code: string;

  constructor(statusCode: number, code: string, message: string) {
    super(message);
    this.name = code;
    this.statusCode = statusCode;
    this.code = code;
  }
}

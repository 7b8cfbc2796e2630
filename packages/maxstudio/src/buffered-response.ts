/**
 * A standard `Response` over a body that was already read whole (what {@link createNodeHttpFetch} returns).
 * `text()`, `json()`, `arrayBuffer()` and `bytes()` answer from the bytes directly; a web stream is built only if
 * `body` is read (or `blob()`/`formData()` called), after which everything goes through it as usual. It saves the
 * stream machinery an API answer of a few hundred bytes otherwise pays for. `instanceof Response` holds, the body
 * can be read once (a second read rejects with a `TypeError`, as fetch's), and `clone()` gives an independent copy.
 *
 * @internal
 */
export class BufferedResponse extends Response {
  readonly #bytes: Uint8Array | null;
  readonly #init: ResponseInit;
  readonly #url: string;
  /** The stream-backed twin, made on first access to `body` (or to a method that needs a stream). */
  #streamed: Response | undefined;
  #used = false;

  constructor(bytes: Uint8Array | null, init: ResponseInit & { headers: Headers }, url: string) {
    super(null, init);
    this.#bytes = bytes;
    this.#init = init;
    this.#url = url;
  }

  override get url(): string {
    return this.#url;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#bytes === null) return null;
    return this.#stream().body;
  }

  override get bodyUsed(): boolean {
    return this.#streamed ? this.#streamed.bodyUsed : this.#used;
  }

  override async text(): Promise<string> {
    if (this.#streamed) return this.#streamed.text();
    const bytes = this.#take();
    return bytes === null ? '' : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }

  override async json(): Promise<unknown> {
    if (this.#streamed) return this.#streamed.json();
    return JSON.parse(await this.text());
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#streamed) return this.#streamed.arrayBuffer();
    const bytes = this.#take();
    // A copy of just these bytes (a Buffer may be a view into a larger pool): the caller may write to it, and a
    // clone shares the bytes.
    const copy = new Uint8Array(bytes === null ? 0 : bytes.byteLength);
    if (bytes !== null) copy.set(bytes);
    return copy.buffer;
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  override blob(): Promise<Blob> {
    return this.#stream().blob();
  }

  override formData(): Promise<FormData> {
    return this.#stream().formData();
  }

  override clone(): Response {
    if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
    if (this.#streamed) {
      const copy = this.#streamed.clone();
      Object.defineProperty(copy, 'url', { value: this.#url });
      return copy;
    }
    return new BufferedResponse(this.#bytes, { ...this.#init, headers: new Headers(this.headers) }, this.#url);
  }

  /** The bytes, marking the body used; rejects (as fetch does) when it was read before. */
  #take(): Uint8Array | null {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes;
  }

  #stream(): Response {
    if (!this.#streamed) {
      this.#streamed = new Response(this.#bytes as Uint8Array<ArrayBuffer> | null, {
        ...this.#init,
        headers: this.headers,
      });
      // A body already read whole: the twin's stream must report it used too.
      if (this.#used && this.#bytes !== null) void this.#streamed.arrayBuffer().catch(() => {});
    }
    return this.#streamed;
  }
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tiny loopback file server for images the sandbox downloads: `url(name)` serves `files[name]`. */
export async function startImageServer(
  files: Record<string, Uint8Array>,
): Promise<{ url: (name: string) => string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const name = decodeURIComponent((request.url ?? '/').slice(1));
    const bytes = files[name];
    if (!bytes) {
      response.writeHead(404).end();
      return;
    }
    response
      .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.byteLength })
      .end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${encodeURIComponent(name)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

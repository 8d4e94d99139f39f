import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A loopback HTTP server on a free port, for tests that need a server with behaviour of their own. */
export interface TestHttpServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  /** Every request received, preflight and warm-up included, in arrival order. */
  readonly received: readonly { method: string; path: string; body: string; headers: IncomingMessage['headers'] }[];
  /** Stop listening and drop every connection, stalled ones included. */
  close(): Promise<void>;
}

export type TestHandler = (
  req: IncomingMessage & { body: string },
  res: ServerResponse,
  socket: Socket,
) => void | Promise<void>;

/**
 * Start a `node:http` server bound to 127.0.0.1:0 whose handler sees the whole request body already
 * read. close() does not wait for stalled exchanges: it destroys their sockets.
 */
export async function startHttpServer(handler: TestHandler): Promise<TestHttpServer> {
  const received: { method: string; path: string; body: string; headers: IncomingMessage['headers'] }[] = [];
  const server = createServer({ keepAlive: true, requestTimeout: 0 }, (req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (p: Buffer) => parts.push(p));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      received.push({ method: req.method ?? '', path: req.url ?? '', body, headers: req.headers });
      Promise.resolve(handler(Object.assign(req, { body }), res, req.socket)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

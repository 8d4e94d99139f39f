import { createServer, type AddressInfo } from 'node:net';

/**
 * A loopback port that was free a moment ago and has nothing listening now: bound to 0, then closed.
 * Connecting to it is refused at once (the OS could hand it out again, but not in a test's lifetime).
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

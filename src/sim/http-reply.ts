/**
 * The few ways the simulator answers over HTTP outside a generation stream: a JSON body, vLLM's
 * error body, and reading a request body with a size limit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderErrorBody } from './sim-response.js';

/** Request bodies above this are refused: no benchmark prompt comes near it. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** vLLM's error body (`{"object":"error","message",...}`) with the given status. */
export function sendError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, renderErrorBody(status, type, message), headers);
}

/** The whole body as text; undefined when it is larger than MAX_BODY_BYTES. */
export function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (part: Buffer) => {
      size += part.length;
      if (size <= MAX_BODY_BYTES) parts.push(part);
    });
    req.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(parts).toString('utf8') : undefined));
    req.on('error', reject);
  });
}

/** The body parsed as JSON; undefined once a 413 or 400 has been sent for it. */
export async function readJson(req: IncomingMessage, res: ServerResponse): Promise<{ body: unknown } | undefined> {
  const text = await readBody(req);
  if (text === undefined) return void sendError(res, 413, 'BadRequestError', `request body exceeds ${MAX_BODY_BYTES} bytes`);
  try {
    return { body: JSON.parse(text) as unknown };
  } catch (err) {
    return void sendError(res, 400, 'BadRequestError', `invalid JSON body: ${err instanceof Error ? err.message : String(err)}`);
  }
}

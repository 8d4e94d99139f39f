/**
 * One GET of a Prometheus endpoint through a dispatcher of the caller's (the scraper's own one-
 * connection Agent, never the benchmark's pool), with a whole-request deadline and a size cap.
 * Never rejects: every way it can fail comes back as a one-line message that names the URL.
 */
import { request, type Dispatcher } from 'undici';
import { excerpt } from '../text-excerpt.js';

/**
 * Ask for the classic text format: servers built on prometheus_client or client_golang would
 * otherwise be free to answer OpenMetrics (which we parse too, but the classic format is what every
 * server and exporter answers alike).
 */
const ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';

/** A vLLM page with many engines and LoRA adapters is a few hundred KiB; anything near this is not a metrics page. */
export const DEFAULT_MAX_METRICS_BYTES = 16 * 2 ** 20;

export type MetricsFetchResult =
  | { ok: true; status: number; text: string }
  | { ok: false; status: number | null; error: string };

export interface MetricsFetchOptions {
  dispatcher: Dispatcher;
  /** Whole exchange (connect, headers and body) must end within this, or it is cut. */
  timeoutMs: number;
  maxBodyBytes?: number;
}

/** GET `url` and return its body as text when it answers 2xx. */
export async function fetchMetricsText(url: string, o: MetricsFetchOptions): Promise<MetricsFetchResult> {
  const shown = redactUrl(url);
  const maxBytes = o.maxBodyBytes ?? DEFAULT_MAX_METRICS_BYTES;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, o.timeoutMs);
  let status: number | null = null;
  try {
    const res = await request(url, {
      method: 'GET',
      dispatcher: o.dispatcher,
      signal: controller.signal,
      headers: { accept: ACCEPT },
    });
    status = res.statusCode;
    const parts: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        controller.abort();
        return { ok: false, status, error: `GET ${shown} answered more than ${maxBytes} bytes; not a metrics page` };
      }
      // Non-2xx bodies are only read for the message: keep the first few KiB.
      if (status >= 200 && status < 300) parts.push(chunk);
      else if (bytes <= 4096) parts.push(chunk);
    }
    const text = Buffer.concat(parts).toString('utf8');
    if (status < 200 || status >= 300) {
      const body = excerpt(text, 120);
      return { ok: false, status, error: `GET ${shown} answered ${status}${body ? `: ${body}` : ''}` };
    }
    return { ok: true, status, text };
  } catch (err) {
    if (timedOut) return { ok: false, status, error: `GET ${shown} timed out after ${o.timeoutMs} ms` };
    return { ok: false, status, error: `GET ${shown} failed: ${describeError(err)}` };
  } finally {
    clearTimeout(timer);
  }
}

/** `connect ECONNREFUSED 127.0.0.1:9 (ECONNREFUSED)`: the message, and the code where it adds one. */
function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const message = e.message ?? String(err);
  const code = e.code ?? e.cause?.code;
  const cause = e.cause?.message && !message.includes(e.cause.message) ? `: ${e.cause.message}` : '';
  return `${message}${cause}${code && !message.includes(code) ? ` (${code})` : ''}`;
}

/** The URL as messages show it: credentials in it (http://user:secret@host/) are never printed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url;
  }
}

import type { Agent, Dispatcher } from 'undici';
import type { TimedChunk } from '../clients/protocol.js';
import type { RequestErrorKind } from '../core/metrics/request-record.js';
import { createBodyStore } from './body-store.js';

/** What came back over the wire for one request, before any protocol parsing. */
export interface RawExchange {
  /**
   * When undici began writing the request to the socket (its onRequestStart), null if it never did.
   * Not when it was dispatched: on a reused keep-alive socket undici defers the write to a later turn
   * of the event loop, and that delay is the client's, not the server's.
   */
  wroteAtMs: number | null;
  status: number | null;
  /** Ms on the caller's clock (already offset), null if no headers arrived. */
  headersAtMs: number | null;
  chunks: TimedChunk[];
  endAtMs: number;
  /** Set when the exchange did not complete at the transport level. */
  failure: { kind: RequestErrorKind; message: string } | null;
}

export interface ExchangeOptions {
  agent: Agent;
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Whole-request deadline in ms from the call; the request is cut and recorded as a timeout. */
  timeoutMs: number;
  /** Aborting cuts the request; it is recorded as `aborted`. */
  signal?: AbortSignal;
  /** Current time, already offset to the run's start. */
  now(): number;
  /** Keep at most this many body bytes (error bodies); streams are kept whole. */
  maxBodyBytes?: number;
}

class CutError extends Error {
  constructor(readonly kind: 'timeout' | 'aborted', message: string) {
    super(message);
  }
}

/**
 * One HTTP exchange through undici's dispatcher, with a timestamp taken the moment each body chunk is
 * handed over. Parsing is deliberately left for later: the data callback does nothing but read the
 * clock and copy the bytes, so a burst of chunks from many streams is stamped before any of them is
 * parsed. Never rejects: every way an exchange can fail comes back as `failure`.
 */
export function exchange(o: ExchangeOptions): Promise<RawExchange> {
  return new Promise<RawExchange>((resolve) => {
    const body = createBodyStore(o.maxBodyBytes);
    let wroteAtMs: number | null = null;
    let status: number | null = null;
    let headersAtMs: number | null = null;
    let controller: Dispatcher.DispatchController | undefined;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (failure: RawExchange['failure']): void => {
      if (done) return;
      done = true;
      const endAtMs = o.now();
      if (timer) clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve({ wroteAtMs, status, headersAtMs, chunks: body.chunks(), endAtMs, failure });
    };
    const cut = (err: CutError): void => {
      if (controller) controller.abort(err);
      else finish({ kind: err.kind, message: err.message });
    };
    const onAbort = (): void => cut(new CutError('aborted', 'request cut short: the run was stopped'));
    if (o.signal?.aborted) {
      finish({ kind: 'aborted', message: 'request cut short: the run was stopped' });
      return;
    }
    o.signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(
      () => cut(new CutError('timeout', `no complete response within ${(o.timeoutMs / 1000).toFixed(3)} s`)),
      o.timeoutMs,
    );

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        // undici calls this just before it writes the request: the honest "sent" instant.
        wroteAtMs = o.now();
        controller = c;
      },
      onResponseStart(_c, statusCode) {
        status = statusCode;
        headersAtMs = o.now();
      },
      onResponseData(_c, chunk) {
        body.push(o.now(), chunk);
      },
      onResponseEnd() {
        finish(null);
      },
      onResponseError(_c, err) {
        finish(classifyError(err, status !== null));
      },
    };
    try {
      o.agent.dispatch(
        {
          origin: o.url.origin,
          path: o.url.pathname + o.url.search,
          method: o.method,
          headers: o.headers,
          body: o.body ?? null,
          // Our own whole-request timer governs; undici's idle timers would fire on long prefills.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler,
      );
    } catch (err) {
      finish(classifyError(err, false));
    }
  });
}

/** Map an undici / socket error to a request error kind. */
export function classifyError(err: unknown, gotHeaders: boolean): { kind: RequestErrorKind; message: string } {
  if (err instanceof CutError) return { kind: err.kind, message: err.message };
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  const message = `${e.message ?? String(err)}${code ? ` (${code})` : ''}`;
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'].includes(code)) {
    return { kind: 'connect_failed', message };
  }
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') return { kind: 'truncated_stream', message };
  if (['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED'].includes(code)) {
    return { kind: 'connection_reset', message: gotHeaders ? `stream cut: ${message}` : message };
  }
  return { kind: 'client_error', message };
}

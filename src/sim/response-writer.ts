/**
 * One response, fed by whichever engine times the tokens. The engine says how many tokens exist so
 * far; the writer turns them into SSE events (grouping `tokensPerChunk` tokens per event), or into
 * one JSON body at the end, records the metrics a server records as tokens go out, and acts out the
 * mid-stream faults (cut, malformed chunk, stall). Both engines share it, so a stream looks the
 * same whatever timed it.
 */
import type { ServerResponse } from 'node:http';
import type { GenerationPlan } from './generation-plan.js';
import { tokensText } from './generation-plan.js';
import type { SimMetrics } from './sim-metrics.js';
import { createSseRenderer, renderCompletionBody, SSE_DONE, type ResponseMeta, type SseRenderer } from './sim-response.js';

/** The faults a writer acts out; the others happen before a writer exists. */
export type StreamFault = 'cut' | 'malformed' | 'stall';

export interface WriterOptions {
  res: ServerResponse;
  meta: ResponseMeta;
  plan: GenerationPlan;
  stream: boolean;
  /** stream_options: the final usage event, and usage on every event. */
  usage: { final: boolean; continuous: boolean };
  /** When the request arrived (ms on `now`'s clock): TTFT and latency count from here. */
  arrivedMs: number;
  tokensPerChunk: number;
  fault: StreamFault | null;
  /** Tokens sent before the fault (fewer when the answer is shorter, so it always strikes). */
  faultAfterTokens: number;
  metrics: SimMetrics;
  now(): number;
}

export interface ResponseWriter {
  /** `generated` tokens exist now (a running total); send what is due. */
  advance(generated: number): void;
  /** The engine took the request out of its queue (for the queue-time histogram). */
  admitted(atMs: number): void;
  /**
   * Register what to do when the writer stops wanting tokens before the answer is whole: the client
   * left, or a fault ended the stream. Not called when the answer completes.
   */
  onAbandon(fn: () => void): void;
  readonly done: boolean;
}

/** Create the writer; a stream's headers go out at once, as a real server's do. */
export function createResponseWriter(o: WriterOptions): ResponseWriter {
  const { res, plan, metrics } = o;
  const total = plan.outputTokens;
  const faultAt = o.fault === null ? -1 : Math.max(0, Math.min(o.faultAfterTokens, total - 1));
  const render: SseRenderer | undefined = o.stream ? createSseRenderer(o.meta) : undefined;
  const chat = o.meta.api === 'chat';
  let generated = 0;
  let sent = 0;
  let firstAtMs = 0;
  let lastAtMs = 0;
  let done = false;
  let struck = false;
  let abandon: () => void = () => undefined;

  const stop = (): void => {
    if (done) return;
    done = true;
    abandon();
  };
  res.once('close', () => {
    if (!done) stop(); // the client left: stop its work at once
  });

  /** Act out the fault after `out` (already-rendered events); returns what is still to be written. */
  const strike = (out: string): string => {
    struck = true;
    if (o.fault === 'malformed') {
      // A chunk cut off in the middle of its JSON, as a broken proxy or a crashed encoder sends.
      return `${out}data: {"id":${JSON.stringify(o.meta.id)},"choices":[{"index":0,"text": tru\n\n`;
    }
    // cut: the connection goes once what came before is on its way; stall: it stays open, silent.
    if (o.fault === 'cut') {
      if (out) res.write(out, () => res.destroy());
      else setImmediate(() => res.destroy());
    } else if (out) {
      res.write(out);
    }
    stop();
    return '';
  };

  if (render) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    res.flushHeaders();
    if (faultAt === 0) {
      const rest = strike('');
      if (rest) res.write(rest);
    }
  }

  const reasoning = plan.reasoningTokens;
  const counts = (completionTokens: number) => ({
    promptTokens: plan.promptTokens,
    completionTokens,
    reasoningTokens: Math.min(reasoning, completionTokens),
  });

  const finish = (out: string): void => {
    done = true;
    if (!render && (o.fault === 'cut' || o.fault === 'stall')) {
      // A non-streamed answer that never arrives whole: dropped, or never sent (the client's timeout ends it).
      if (o.fault === 'cut') res.destroy();
      return;
    }
    const now = o.now();
    metrics.finished({
      reason: plan.finishReason,
      e2eSec: (now - o.arrivedMs) / 1000,
      ttftSec: (firstAtMs - o.arrivedMs) / 1000,
      promptTokens: plan.promptTokens,
      outputTokens: total,
    });
    if (render) {
      if (o.usage.final) out += render.usage(counts(total));
      res.end(out + SSE_DONE);
      return;
    }
    const body = renderCompletionBody(o.meta, plan);
    // A malformed non-streamed answer: the JSON body stops half way.
    const text = o.fault === 'malformed' ? body.slice(0, body.length >> 1) : body;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  return {
    get done() {
      return done;
    },
    onAbandon(fn) {
      abandon = fn;
    },
    admitted(atMs) {
      metrics.queued(Math.max(0, atMs - o.arrivedMs) / 1000);
    },
    advance(upTo) {
      if (done || upTo <= generated) return;
      const now = o.now();
      let added = upTo - generated;
      if (generated === 0) {
        firstAtMs = now;
        metrics.firstToken((now - o.arrivedMs) / 1000, plan.promptTokens);
        added--;
        if (added > 0) metrics.tokens(added, 0);
      } else {
        metrics.tokens(added, (now - lastAtMs) / 1000);
      }
      lastAtMs = now;
      generated = Math.min(upTo, total);
      if (!render) {
        if (generated === total) finish('');
        return;
      }
      let out = '';
      while (sent < generated) {
        const end = Math.min(sent + o.tokensPerChunk, total);
        if (end > generated) break; // the event's last token is not out yet
        // Design choice: chat's role-only delta goes out just before the first token, in one write.
        // vLLM sends it on its first engine output, which is the first token unless chunked prefill
        // splits a long prompt; either way no client should count it as content.
        if (sent === 0 && chat) out += render.role(o.usage.continuous ? counts(0) : undefined);
        const last = end === total;
        // The reasoning tokens come first; an event that spans their end carries both fields.
        out += render.content(
          end > reasoning ? tokensText(plan, Math.max(sent, reasoning), end) : '',
          last ? plan.finishReason : null,
          o.usage.continuous ? counts(end) : undefined,
          last ? plan.stopReason : null,
          sent < reasoning ? tokensText(plan, sent, Math.min(end, reasoning)) : undefined,
        );
        sent = end;
        if (!struck && faultAt > 0 && sent >= faultAt && !last) {
          out = strike(out);
          if (done) return;
        }
      }
      if (sent === total) finish(out);
      else if (out) res.write(out);
    },
  };
}

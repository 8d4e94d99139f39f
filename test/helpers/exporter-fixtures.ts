import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { startHttpServer, type TestHttpServer } from './http-server.js';

/** The fixture pages in test/fixtures/exporters: one per server, in each server's own shape. */
export type ExporterPage = 'vllm-v1' | 'vllm-v0' | 'sglang' | 'tgi' | 'dcgm';

/** A fixture page's text, as the server would send it. */
export function exporterPage(name: ExporterPage): string {
  return readFileSync(new URL(`../fixtures/exporters/${name}.txt`, import.meta.url), 'utf8');
}

/** What the fake exporter does with the next GET /metrics. */
export type ExporterReply =
  | { kind: 'page'; text: string }
  | { kind: 'status'; status: number; body: string; contentType?: string }
  /** Hold the request until release() (or the client gives up). */
  | { kind: 'stall' };

export interface FakeExporter extends TestHttpServer {
  metricsUrl: string;
  /** Reply to every later GET /metrics this way. */
  reply(r: ExporterReply): void;
  /** Answer the stalled requests with the current page (or drop them if the reply is still 'stall'). */
  release(): void;
  /** Remote ports of the connections GET /metrics arrived on, one entry per request. */
  readonly remotePorts: readonly number[];
}

/**
 * A loopback Prometheus endpoint on port 0 whose answer the test sets: a page, an error status, or a
 * stall. Other paths answer 404, as vLLM does.
 */
export async function startFakeExporter(initial: ExporterReply): Promise<FakeExporter> {
  let current = initial;
  const stalled: ServerResponse[] = [];
  const remotePorts: number[] = [];
  const send = (res: ServerResponse, r: ExporterReply): void => {
    if (r.kind === 'stall') {
      stalled.push(res);
    } else if (r.kind === 'page') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(r.text);
    } else {
      res.writeHead(r.status, { 'content-type': r.contentType ?? 'text/plain' }).end(r.body);
    }
  };
  const server = await startHttpServer((req, res, socket) => {
    if (req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
      return;
    }
    remotePorts.push(socket.remotePort ?? -1);
    send(res, current);
  });
  return Object.assign(server, {
    metricsUrl: `${server.url}/metrics`,
    remotePorts,
    reply(r: ExporterReply) {
      current = r;
    },
    release() {
      for (const res of stalled.splice(0)) {
        if (current.kind === 'stall') res.destroy();
        else if (!res.destroyed) send(res, current);
      }
    },
  });
}

/** A vLLM v1 page (one engine) with the given counters and gauges, for tests that step them. */
export function vllmPage(v: {
  running?: number;
  waiting?: number;
  kvUsage?: number;
  preemptions?: number;
  prefixHits?: number;
  prefixQueries?: number;
  promptTokens?: number;
  generationTokens?: number;
}): string {
  const l = '{engine="0",model_name="m"}';
  return [
    '# TYPE vllm:num_requests_running gauge',
    `vllm:num_requests_running${l} ${v.running ?? 0}`,
    '# TYPE vllm:num_requests_waiting gauge',
    `vllm:num_requests_waiting${l} ${v.waiting ?? 0}`,
    '# TYPE vllm:kv_cache_usage_perc gauge',
    `vllm:kv_cache_usage_perc${l} ${v.kvUsage ?? 0}`,
    '# TYPE vllm:num_preemptions_total counter',
    `vllm:num_preemptions_total${l} ${v.preemptions ?? 0}`,
    '# TYPE vllm:prefix_cache_hits_total counter',
    `vllm:prefix_cache_hits_total${l} ${v.prefixHits ?? 0}`,
    '# TYPE vllm:prefix_cache_queries_total counter',
    `vllm:prefix_cache_queries_total${l} ${v.prefixQueries ?? 0}`,
    '# TYPE vllm:prompt_tokens_total counter',
    `vllm:prompt_tokens_total${l} ${v.promptTokens ?? 0}`,
    '# TYPE vllm:generation_tokens_total counter',
    `vllm:generation_tokens_total${l} ${v.generationTokens ?? 0}`,
    '',
  ].join('\n');
}

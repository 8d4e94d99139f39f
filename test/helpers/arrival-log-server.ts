import { performance } from 'node:perf_hooks';
import { startHttpServer, type TestHttpServer } from './http-server.js';
import { MODELS_ANSWER, sendJson, sseEvent, startStream, textChunk } from './openai-sse.js';

/**
 * A completions server that logs when each generation request arrived (performance.now(), ms) and
 * how many were in flight at once; it answers after `holdMs` with two tokens. The preflight's
 * 1-token probe is left out of the log.
 */
export async function startArrivalLogServer(o: { holdMs?: number } = {}): Promise<TestHttpServer & { arrivals: number[]; maxInFlight(): number }> {
  const arrivals: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = await startHttpServer(async (req, res) => {
    if (req.method === 'GET') return sendJson(res, 200, MODELS_ANSWER);
    const probe = (JSON.parse(req.body) as { max_tokens?: number }).max_tokens === 1;
    if (!probe) {
      arrivals.push(performance.now());
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
    }
    startStream(res);
    if (o.holdMs) await new Promise((r) => setTimeout(r, o.holdMs));
    res.write(sseEvent(textChunk(' a')));
    res.write(sseEvent(textChunk(' b', 'length')));
    if (!probe) inFlight--;
    res.end('data: [DONE]\n\n');
  });
  return Object.assign(server, { arrivals, maxInFlight: () => maxInFlight });
}

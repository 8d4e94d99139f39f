import { setMaxListeners } from 'node:events';
import { Agent } from 'undici';
import { PROTOCOLS, inferApiKind } from '../clients/index.js';
import type { ApiKind, GenerationRequest } from '../clients/protocol.js';
import type { RunConfig } from '../config/run-config.js';
import { arrivalOffsets } from '../core/arrival/arrival-process.js';
import { stageAt } from '../core/arrival/rate-profile.js';
import { createRng, deriveSeed } from '../core/arrival/rng.js';
import type { RequestRecord } from '../core/metrics/request-record.js';
import { sampleLength } from '../core/prompts/length-spec.js';
import { createSummaryAccumulator, type RunSummary } from '../core/metrics/summary.js';
import { ConfigError } from '../errors.js';
import { startSimulatorWorker } from '../sim/index.js';
import type { SimOptions } from '../sim/index.js';
import type { GpuSample, ServerMetricsSample } from '../telemetry/samples.js';
import { startRunTelemetry, type RunTelemetry } from '../telemetry/run-telemetry.js';
import type { TelemetrySummary } from '../telemetry/telemetry-summary.js';
import { TOOL } from '../version.js';
import { ignoreEosOf, openRequestSource, type RequestSource } from '../workload/request-source.js';
import { prefixCacheWarning } from '../workload/prefix-cache-warning.js';
import { datasetNotices, type WorkloadInfo } from '../workload/workload-info.js';
import { parseTokenizerSpec } from '../tokenizers/load-tokenizer.js';
import { createMonotonicClock, type Clock } from './clock.js';
import { arrivalPlanOf, describeArrivalPlan, type ArrivalPlan } from '../config/arrival-plan.js';
import { runClosedLoop } from './closed-loop.js';
import { createDeferredWork } from './deferred-work.js';
import { sendRequest, toRecord } from './execute-request.js';
import { runOpenLoop, type Dispatch } from './open-loop.js';
import { preflight, warmConnections } from './preflight.js';

/** Progress and results reach the caller through these; the library itself prints nothing. */
export interface RunHooks {
  /** Something the user should be told (e.g. that the built-in simulator was started). */
  onNotice?(message: string): void;
  /** The target is resolved and the timed run begins. */
  onStart?(info: { endpoint: string; api: ApiKind; model: string | undefined; simulated: boolean }): void;
  onSend?(d: Dispatch): void;
  /** A request ended (well or not). Called in completion order. */
  onRecord?(record: RequestRecord): void;
  /** One NVML reading of one GPU (RUN_DIR/gpu.jsonl). */
  onGpuSample?(sample: GpuSample): void;
  /** One scrape of the server's metrics, normalised (RUN_DIR/server_metrics.jsonl). */
  onServerSample?(sample: ServerMetricsSample): void;
}

export interface RunOptions {
  config: RunConfig;
  /** Sent as a Bearer token; the caller reads it from the environment. Never stored in results. */
  apiKey?: string;
  /** Abort to stop the run as Ctrl-C does: stop sending, grace period, cut the rest, return what was gathered. */
  signal?: AbortSignal;
  /**
   * Abort (with a string reason) to end the run early on purpose — a sweep does when a level is clearly
   * past saturation. Like `signal`, but the result says `stoppedEarly` with the reason, not `interrupted`.
   */
  stopEarly?: AbortSignal;
  hooks?: RunHooks;
  clock?: Clock;
  /** Settings for the built-in simulator, used when `config.endpoint` is absent. */
  simulator?: Partial<SimOptions>;
  /**
   * Extra request headers (--header). Sent with every request; only their names are recorded, since
   * a value may be a credential. Authorization comes only from `apiKey`.
   */
  headers?: Record<string, string>;
  /** Path of libnvidia-ml (tests load a stub); default libnvidia-ml.so.1 from the loader path. */
  nvmlLibraryPath?: string;
}

export const RESULT_SCHEMA_VERSION = 1;

export interface RunResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  tool: { name: string; version: string };
  /** The configuration as resolved: endpoint, api and model filled in. */
  config: RunConfig & { endpoint: string; api: ApiKind };
  target: { simulated: boolean; models: unknown };
  /** Wall-clock UTC time of the run's offset 0. */
  startedAt: string;
  /**
   * The run's offset 0 on the machine's monotonic clock (CLOCK_MONOTONIC on Linux, as
   * process.hrtime and Python's time.monotonic_ns read it), in ns, as a decimal string: to line
   * the records up with other programs' monotonic timestamps (a server's logs, a GPU job's steps).
   */
  startedAtMonotonicNs: string;
  /** True when the run was stopped early (Ctrl-C or the signal). */
  interrupted: boolean;
  /** Set when `stopEarly` ended the run, with its reason. */
  stoppedEarly: { reason: string } | null;
  /** Requests that had arrived but never got a slot before the stop (Ctrl-C or an early stop). */
  requestsNotSent: number;
  summary: RunSummary;
  /** GPU (NVML) and server-metrics telemetry: what was sampled and from where, or why not. */
  telemetry: TelemetrySummary;
  /**
   * What was sent: source, dataset file (path, size, sha256), tokenizer, prefixes, lengths. Always
   * set by runBenchmark; absent only in runs saved before request sources existed (the seed's words).
   */
  workload?: WorkloadInfo;
  /** When requests were sent: the arrival plan as words, closed-loop users, and per-stage summaries. */
  arrivals?: {
    description: string;
    /** A trace replay that fell behind its schedule: why; null when it kept up. Absent: not a replay. */
    degraded?: string | null;
    users?: number;
    stages?: { index: number; ratePerSec: number; startS: number; durationS: number; summary: RunSummary }[];
  };
}

/**
 * Run one open-loop benchmark: Poisson arrivals, the concurrency cap, one record per request.
 * Failed requests are records, not exceptions; only setup failures (bad target) throw.
 */
export async function runBenchmark(opts: RunOptions): Promise<RunResult> {
  const hooks = opts.hooks ?? {};
  const clock = opts.clock ?? createMonotonicClock();
  const signal = opts.signal ?? new AbortController().signal;
  let sim: Awaited<ReturnType<typeof startSimulatorWorker>> | undefined;
  let endpoint = opts.config.endpoint;
  if (endpoint === undefined) {
    sim = await startSimulatorWorker({ ...opts.simulator, seed: opts.simulator?.seed ?? opts.config.seed });
    endpoint = `${sim.url}/v1/completions`;
    hooks.onNotice?.(
      `llmload: no --endpoint given: started the built-in simulator at ${sim.url}${sim.inWorker ? ' on its own thread' : ''} (it is stopped when the run ends).`,
    );
  }
  const agent = new Agent({
    connections: opts.config.maxConcurrency,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    connect: { timeout: 10_000 },
  });
  try {
    return await runAgainst(opts, { ...opts.config, endpoint }, agent, clock, signal, hooks, sim !== undefined);
  } finally {
    await agent.close().catch(() => undefined);
    if (sim) {
      await sim.close();
      hooks.onNotice?.('llmload: stopped the built-in simulator.');
    }
  }
}

async function runAgainst(
  opts: RunOptions,
  config: RunConfig & { endpoint: string },
  agent: Agent,
  clock: Clock,
  signal: AbortSignal,
  hooks: RunHooks,
  simulated: boolean,
): Promise<RunResult> {
  const url = new URL(config.endpoint);
  const api = config.api ?? inferApiKind(url);
  if (api === undefined) {
    throw new ConfigError([
      {
        field: '--endpoint',
        message: `cannot tell the API from the path "${url.pathname}"; give the full path (e.g. /v1/completions, /v1/chat/completions, /api/generate) or --api`,
      },
    ]);
  }
  const protocol = PROTOCOLS[api];
  const headers: Record<string, string> = { ...opts.headers, 'content-type': 'application/json', accept: protocol.accept };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  const reserved = Object.keys(config.extraBody ?? {}).filter((k) => protocol.reservedBodyKeys.includes(k));
  if (reserved.length) {
    throw new ConfigError([
      { field: '--extra-body', message: `sets ${reserved.join(', ')}, which llmload sets itself for ${api} (use --model, --max-tokens/--output-tokens, --ignore-eos)` },
    ]);
  }

  const setupNow = (): number => clock.now();
  // Prompts are drawn, built and counted before offset 0: never on the request path. A bad dataset
  // is refused before anything is sent, unless the server's own tokenizer is needed to read it.
  const openSource = (server?: Parameters<typeof openRequestSource>[0]['server']): Promise<RequestSource> =>
    openRequestSource({ config, count: config.totalRequests, chat: protocol.chat, ...(server ? { server } : {}) });
  const checkSource = (s: RequestSource): RequestSource => {
    if (s.hasMessages && !protocol.chat) {
      throw new ConfigError([
        {
          field: '--dataset-path',
          message: `${config.datasetPath ?? 'the dataset'} holds chat messages, but ${api} takes a text prompt: use a chat endpoint (/v1/chat/completions, /api/chat) or --api openai-chat`,
        },
      ]);
    }
    return s;
  };
  const serverTokenizer = parseTokenizerSpec(config.tokenizer).kind === 'server';
  const early = serverTokenizer ? undefined : checkSource(await openSource());
  const pre = await preflight({ agent, url, api, protocol, headers, model: config.model, now: setupNow });
  const source = early ?? checkSource(await openSource({ origin: url.origin, model: pre.model, dispatcher: agent, headers }));
  for (const line of datasetNotices(source.info)) hooks.onNotice?.(line);
  if (config.warmup) {
    await warmConnections({ agent, origin: url.origin, headers, count: Math.min(config.maxConcurrency, 1024), now: setupNow });
  }
  // Telemetry starts before offset 0, so the first requests already have readings around them.
  const telemetry = await startRunTelemetry({
    endpoint: url.href,
    gpus: config.gpus,
    gpuIntervalMs: config.gpuIntervalMs,
    metricsUrl: config.metricsUrl,
    metricsIntervalMs: config.metricsIntervalMs,
    clockNow: () => clock.now(),
    onGpuSample: (s) => hooks.onGpuSample?.(s),
    onServerSample: (s) => hooks.onServerSample?.(s),
    onNotice: (line) => hooks.onNotice?.(line),
    ...(opts.nvmlLibraryPath !== undefined ? { nvmlLibraryPath: opts.nvmlLibraryPath } : {}),
  });
  let result: Omit<RunResult, 'telemetry' | 'workload'>;
  try {
    result = await timedRun({ opts, config, api, pre, agent, url, protocol, headers, clock, signal, hooks, simulated, telemetry, source });
  } catch (err) {
    // Stopped on every path; a run that throws keeps its own error.
    await telemetry.stop().catch(() => undefined);
    throw err;
  }
  const telemetrySummary = await telemetry.stop();
  const warning = prefixCacheWarning(source.info, telemetrySummary);
  if (warning) hooks.onNotice?.(`llmload: warning: ${warning}`);
  return { ...result, telemetry: telemetrySummary, workload: { ...source.info, warnings: warning ? [warning] : [] } };
}

interface TimedRunContext {
  opts: RunOptions;
  config: RunConfig & { endpoint: string };
  api: ApiKind;
  pre: Awaited<ReturnType<typeof preflight>>;
  agent: Agent;
  url: URL;
  protocol: (typeof PROTOCOLS)[ApiKind];
  headers: Record<string, string>;
  clock: Clock;
  signal: AbortSignal;
  hooks: RunHooks;
  simulated: boolean;
  telemetry: RunTelemetry;
  source: RequestSource;
}

/** The timed part of a run: offset 0, arrivals, requests, records. */
async function timedRun(ctx: TimedRunContext): Promise<Omit<RunResult, 'telemetry' | 'workload'>> {
  const { opts, config, api, pre, agent, url, protocol, headers, clock, signal, hooks, simulated, telemetry, source } = ctx;
  hooks.onStart?.({ endpoint: url.href, api, model: pre.model, simulated });
  // Hard stop: after the signal, in-flight requests get graceSec to finish, then are cut.
  const hardStop = new AbortController();
  // Every in-flight request listens on it: thousands of listeners are expected, not a leak.
  setMaxListeners(0, hardStop.signal);
  let graceTimer: NodeJS.Timeout | undefined;
  const onStop = (): void => {
    graceTimer ??= setTimeout(() => hardStop.abort(), config.graceSec * 1000);
  };
  const stopSignals = opts.stopEarly ? [signal, opts.stopEarly] : [signal];
  for (const s of stopSignals) {
    if (s.aborted) onStop();
    else s.addEventListener('abort', onStop, { once: true });
  }
  // A closed loop (rate inf) puts every arrival at offset 0, so --duration cannot end it through the
  // schedule: it ends by a deadline instead, after which nothing new is dispatched and in-flight
  // requests finish normally (not cut: the deadline is the plan, not an interruption).
  const deadline = new AbortController();
  const arrivals = AbortSignal.any([...stopSignals, deadline.signal]);

  const arrivalRng = createRng(deriveSeed(config.seed, 'arrivals'));
  const ignoreEos = ignoreEosOf(config);
  const acc = createSummaryAccumulator();
  const target = { agent, url, protocol, headers, timeoutMs: config.requestTimeoutSec * 1000 };
  const plan = arrivalPlanOf(config);
  const maxDurationMs = config.durationSec === undefined ? undefined : config.durationSec * 1000;
  const offsets =
    source.offsetsMs !== undefined
      ? source.offsetsMs.filter((t) => maxDurationMs === undefined || t < maxDurationMs)
      : plan.kind === 'open'
        ? arrivalOffsets(arrivalRng, plan.process, plan.profile, { maxCount: config.totalRequests, maxDurationMs })
        : undefined;
  // Stages: each record says which one it belongs to (by its intended time), and each has a summary.
  const stageProfile = plan.kind === 'open' && plan.profile.kind === 'stages' ? plan.profile : undefined;
  const stageAccs = stageProfile ? stageProfile.stages.map(() => createSummaryAccumulator()) : [];
  const thinkMs = thinkTimes(plan, config.seed);

  // A major GC before the clock starts, when the runtime allows it, keeps it out of the first requests.
  (globalThis as { gc?: () => void }).gc?.();
  const startedAt = new Date().toISOString();
  const startMs = clock.now();
  const startedAtMonotonicNs = process.hrtime.bigint().toString();
  telemetry.markRunStart(startMs);
  const now = (): number => clock.now() - startMs;
  const deferred = createDeferredWork(() => clock.now());
  let loop;
  let hookError: unknown;
  // Without a schedule to end them (rate inf, or closed-loop users), --duration ends by a deadline.
  const deadlineTimer =
    (plan.kind === 'users' || config.ratePerSec === Infinity) && config.durationSec !== undefined
      ? setTimeout(() => deadline.abort(), config.durationSec * 1000)
      : undefined;
  const send = async (d: Dispatch): Promise<void> => {
    // Requests are taken in send order, which is seq order (the queue is FIFO): deterministic per seed.
    const item = source.next();
    hooks.onSend?.(d);
    const req: GenerationRequest = { model: pre.model ?? '', prompt: item.prompt, ignoreEos };
    if (item.outputTokens !== undefined) req.maxTokens = item.outputTokens;
    if (config.extraBody) req.extraBody = config.extraBody;
    const raw = await sendRequest(target, req, now, hardStop.signal);
    // Parsing, summarising and writing wait for a quiet moment (see deferred-work.ts).
    await deferred.run(() => {
      const record = toRecord(protocol, d, item, raw);
      if (d.seq < config.warmupRequests) record.warmup = true;
      if (stageProfile) record.stage = stageAt(stageProfile, record.intendedAtMs / 1000);
      record.gpuMemoryMb = telemetry.gpuMemoryMiBBetween(record.sentAtMs, record.endAtMs);
      acc.add(record);
      if (record.stage !== undefined) stageAccs[record.stage]!.add(record);
      try {
        hooks.onRecord?.(record);
      } catch (err) {
        // A hook that fails (say, a full disk) must not leave a dangling promise; report it at the end.
        hookError ??= err;
      }
    });
  };
  try {
    loop =
      plan.kind === 'users'
        ? await runClosedLoop({ clock, startMs, users: plan.users, maxCount: config.totalRequests, signal: arrivals, thinkMs, send })
        : await runOpenLoop({ clock, startMs, offsets: offsets!, maxConcurrency: config.maxConcurrency, signal: arrivals, send });
  } finally {
    if (graceTimer) clearTimeout(graceTimer);
    if (deadlineTimer) clearTimeout(deadlineTimer);
    for (const s of stopSignals) s.removeEventListener('abort', onStop);
  }
  const stoppedEarly = opts.stopEarly?.aborted && !signal.aborted ? { reason: String(opts.stopEarly.reason) } : null;
  if (hookError !== undefined) throw hookError;
  const summary = acc.summarize();
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: TOOL,
    config: { ...config, api, model: pre.model },
    target: { simulated, models: pre.models },
    startedAt,
    startedAtMonotonicNs,
    interrupted: signal.aborted,
    stoppedEarly,
    // Closed-loop requests left at the deadline were never offered; only a stop leaves arrivals unsent.
    requestsNotSent: signal.aborted || stoppedEarly ? loop.dropped : 0,
    summary,
    arrivals: {
      description: source.offsetsMs !== undefined ? describeReplay(config) : describeArrivalPlan(plan),
      ...(source.offsetsMs !== undefined ? { degraded: replayDegraded(summary, config.degradedLagMs) } : {}),
      ...(plan.kind === 'users' ? { users: plan.users } : {}),
      ...(stageProfile
        ? {
            stages: stageProfile.stages.map((st, i) => ({
              index: i,
              ratePerSec: st.ratePerSec,
              startS: stageProfile.stages.slice(0, i).reduce((a, x) => a + x.durationSec, 0),
              durationS: st.durationSec,
              summary: stageAccs[i]!.summarize(),
            })),
          }
        : {}),
    },
  };
}

/** "replay of FILE (mooncake), time scale 2". */
function describeReplay(c: RunConfig): string {
  const slice = c.traceStartS !== undefined || c.traceWindowS !== undefined ? `, from ${c.traceStartS ?? 0} s${c.traceWindowS !== undefined ? ` for ${c.traceWindowS} s` : ''}` : '';
  return `replay of ${c.trace} (${c.traceFormat})${c.timeScale !== 1 ? `, time scale ${c.timeScale}` : ''}${slice}`;
}

/**
 * A replay the client (or its concurrency cap) could not keep up with: schedule lag p99 over the
 * threshold (AIPerf marks p99 > 500 ms). Its figures are then not the trace's load, and say so.
 */
function replayDegraded(s: RunSummary, thresholdMs: number): string | null {
  const p99 = s.scheduleLagMs?.p99;
  if (p99 === undefined || p99 <= thresholdMs) return null;
  return `schedule lag p99 ${p99.toFixed(0)} ms > ${thresholdMs} ms: requests left later than the trace says, so this is not a faithful replay`;
}

/** Think time after each request of closed-loop users, drawn in seq order from the seed (0 without). */
function thinkTimes(plan: ArrivalPlan, seed: number): (seq: number) => number {
  if (plan.kind !== 'users' || plan.thinkTime === null) return () => 0;
  const spec = plan.thinkTime;
  const rng = createRng(deriveSeed(seed, 'think-time'));
  const drawn: number[] = [];
  return (seq) => {
    while (drawn.length <= seq) drawn.push(sampleLength(spec, rng, 0));
    return drawn[seq]!;
  };
}

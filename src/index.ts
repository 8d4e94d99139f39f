/**
 * llmload's library API. The CLI is a thin shell over these; everything here takes options, a signal
 * and hooks, and never touches process state.
 */
export { runBenchmark, RESULT_SCHEMA_VERSION, type RunOptions, type RunResult, type RunHooks } from './runner/run-benchmark.js';
export { createMonotonicClock, createManualClock, type Clock, type ManualClock } from './runner/clock.js';
export { runOpenLoop, type Dispatch, type OpenLoopOptions } from './runner/open-loop.js';
export { runConfigSchema, RUN_DEFAULTS, type RunConfig, type RunConfigInput } from './config/run-config.js';
export { parseRunConfig } from './config/parse-run-config.js';
export {
  startSimulator,
  startSimulatorWorker,
  parseSimOptions,
  resolveSimConfig,
  simOptionsSchema,
  simulateEngine,
  describeProfiles,
  PROFILES,
  PROFILE_NAMES,
  DEFAULT_PROFILE,
  FAULT_KINDS,
  FAULT_HEADER,
  type SimOptions,
  type SimOptionsInput,
  type SimConfig,
  type SimulatorHandle,
  type FaultKind,
  type ProfileName,
  type SimulatedArrival,
  type SimulationResult,
} from './sim/index.js';
export { PROTOCOLS, inferApiKind } from './clients/index.js';
export { API_KINDS, type ApiKind, type ProtocolClient, type ParsedStream, type TimedChunk } from './clients/protocol.js';
export { requestRecordSchema, REQUEST_ERROR_KINDS, type RequestRecord, type RequestErrorKind } from './core/metrics/request-record.js';
export { deriveRequestMetrics, type RequestMetrics } from './core/metrics/derive.js';
export { createSummaryAccumulator, summarizeRecords, type RunSummary, type DistributionSummary } from './core/metrics/summary.js';
export { createHistogram, type Histogram } from './core/metrics/histogram.js';
export { poissonOffsets } from './core/arrival/poisson.js';
export { arrivalOffsets, unitGap, ARRIVAL_KINDS, type ArrivalProcess } from './core/arrival/arrival-process.js';
export { expectedArrivals, timeOfArrivals, parseStages, type RateProfile } from './core/arrival/rate-profile.js';
export { sampleGamma } from './core/arrival/gamma.js';
export { runClosedLoop, type ClosedLoopOptions } from './runner/closed-loop.js';
export { loadTokenizer, parseTokenizerSpec, BUILTIN_TOKENIZERS, type TokenizerSpec } from './tokenizers/load-tokenizer.js';
export type { Tokenizer } from './tokenizers/tokenizer.js';
export { parseLengthSpec, sampleLength, type LengthSpec } from './core/prompts/length-spec.js';
export { loadDataset, type LoadDatasetOptions, type LoadedDataset } from './workload/load-dataset.js';
export { readTrace, type ReadTraceOptions } from './workload/read-trace.js';
export { TRACE_FORMATS, type TraceEntry, type TraceFormat } from './core/trace/trace-entry.js';
export type { WorkloadInfo } from './workload/workload-info.js';
export { createRng, deriveSeed, type Rng } from './core/arrival/rng.js';
export { makeWordPrompt, samplePoisson } from './core/prompts/synthetic-words.js';
export { renderCsvHeader, renderCsvRow, CSV_COLUMNS } from './report/csv.js';
export { renderRecordLine } from './report/jsonl.js';
export { renderSummaryTable } from './report/summary-table.js';
export { loadRun } from './report/load-run.js';
export { savedRunFromRecords, createSavedRunBuilder, type SavedRun, type RequestPoint, type SavedRunBuilder } from './report/saved-run.js';
export { parseSavedResult, savedResultSchema, type SavedResult } from './report/saved-result.js';
export { renderPlots, renderPlotPng, renderPlotSvg, renderOverviewPng, plotSpec, OVERVIEW_FILE, type PlotFile } from './report/render-plots.js';
export { CHARTS, CHART_KINDS, type ChartKind, type ChartEntry } from './report/charts/index.js';
export { telemetryFromSamples, emptyTelemetry, TELEMETRY_FILES, type SavedTelemetry } from './report/telemetry-load.js';
export { renderHtmlReport, REPORT_FILE } from './report/html.js';
export { runSweep, levelHeld, type SweepOptions, type SweepPlan, type SweepHooks } from './runner/run-sweep.js';
export type { SweepResult, SweepLevel, SweepWorkload, MaxRateResult } from './core/sweep/sweep-result.js';
export { createSaturationDetector, assessSteadyState, type SaturationVerdict } from './core/sweep/saturation.js';
export { createMaxRateSearch, type MaxRateSearch } from './core/sweep/max-rate-search.js';
export { spreadRates } from './core/sweep/spread-rates.js';
export { parseSlo } from './core/slo/parse-slo.js';
export { createSloAccumulator, deriveSloResult, type SloAccumulator } from './core/slo/slo-accumulator.js';
export { SLO_METRICS, type SloSpec, type SloResult, type SloMetric } from './core/slo/slo-types.js';
export { renderSweepSummaryTable } from './report/sweep-summary-table.js';
export { renderSweepPlots } from './report/sweep/render-sweep-plots.js';
export { renderSweepReportHtml } from './report/sweep/sweep-html.js';
export { startRunTelemetry, type RunTelemetry, type RunTelemetryOptions } from './telemetry/run-telemetry.js';
export { startGpuTelemetry, type GpuTelemetry } from './telemetry/gpu-sampler-worker.js';
export { openNvml, type NvmlBinding } from './telemetry/nvml-binding.js';
export { createServerMetricsScraper, type ServerMetricsScraper } from './telemetry/server-metrics-scraper.js';
export { parsePrometheusText } from './telemetry/prometheus-parse.js';
export type { TelemetrySummary } from './telemetry/telemetry-summary.js';
export type { GpuSample, ServerMetricsSample, GpuMemorySource } from './telemetry/samples.js';
export { compareFolders } from './cli/compare-folders.js';
export { compareRuns, compareSweeps } from './core/compare/compare-runs.js';
export { parseFailOn } from './core/compare/fail-on.js';
export { renderCompareTable } from './report/compare-table.js';
export { renderCompareMarkdown, renderCompareJson } from './report/compare-markdown.js';
export { LlmloadError, ConfigError, type LlmloadErrorCode, type ConfigProblem } from './errors.js';

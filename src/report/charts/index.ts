import type { ChartBuilder } from './chart.js';
import { inFlightChart } from './in-flight-chart.js';
import { itlTpotChart } from './itl-tpot-chart.js';
import { requestRateChart } from './request-rate-chart.js';
import { scheduleLagChart } from './schedule-lag-chart.js';
import { telemetryChart } from './telemetry-chart.js';
import type { RowsChartBuilder } from './telemetry-rows.js';
import { throughputLatencyChart } from './throughput-latency-chart.js';
import { timelineChart } from './timeline-chart.js';
import { tokensPerSecChart } from './tokens-per-sec-chart.js';
import { ttftChart } from './ttft-chart.js';

/**
 * How a chart is built: most are layers in one view (`build`); the telemetry panel is rows stacked on
 * one time axis (`rows`), which vega-lite can only draw as a vertical concatenation.
 */
export type ChartEntry = { file: string; build: ChartBuilder } | { file: string; rows: RowsChartBuilder };

/**
 * Every chart of a run, keyed by kind, with the PNG it is saved as. The first three are the seed
 * prototype's, under its file names. Order is the order of the overview and the HTML report.
 */
export const CHARTS = {
  throughputLatency: { file: 'plot_throughput_vs_latency.png', build: throughputLatencyChart },
  ttft: { file: 'ttft_distribution.png', build: ttftChart },
  tokensPerSec: { file: 'tokens_per_sec.png', build: tokensPerSecChart },
  timeline: { file: 'latency_timeline.png', build: timelineChart },
  itlTpot: { file: 'itl_tpot_cdf.png', build: itlTpotChart },
  inFlight: { file: 'requests_in_flight.png', build: inFlightChart },
  requestRate: { file: 'request_rate.png', build: requestRateChart },
  scheduleLag: { file: 'schedule_lag.png', build: scheduleLagChart },
  telemetry: { file: 'telemetry.png', rows: telemetryChart },
} as const satisfies Record<string, ChartEntry>;

export type ChartKind = keyof typeof CHARTS;
export const CHART_KINDS = Object.keys(CHARTS) as ChartKind[];

import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { closedPort } from '../../test/helpers/closed-port.js';
import { exporterPage, startFakeExporter, type ExporterReply, type FakeExporter } from '../../test/helpers/exporter-fixtures.js';
import { defaultMetricsUrl, probeMetricsUrl, resolveServerMetricsUrl } from './server-metrics-probe.js';

const servers: FakeExporter[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function exporter(reply: ExporterReply): Promise<FakeExporter> {
  const e = await startFakeExporter(reply);
  servers.push(e);
  return e;
}

describe('defaultMetricsUrl', () => {
  it('is the endpoint\u2019s origin + /metrics', () => {
    expect(defaultMetricsUrl('http://10.0.0.5:8000/v1/chat/completions')).toBe('http://10.0.0.5:8000/metrics');
    expect(defaultMetricsUrl('https://llm.example.com/v1/completions?x=1')).toBe('https://llm.example.com/metrics');
  });
});

describe('probeMetricsUrl and resolveServerMetricsUrl', () => {
  it('uses the default URL when it answers with Prometheus text, and says which servers it found', async () => {
    const e = await exporter({ kind: 'page', text: `${exporterPage('vllm-v1')}${exporterPage('dcgm')}` });
    const probe = await probeMetricsUrl(e.metricsUrl);
    expect(probe).toMatchObject({ ok: true, url: e.metricsUrl, servers: ['vllm', 'dcgm'] });
    const r = await resolveServerMetricsUrl({ endpoint: `${e.url}/v1/completions` });
    expect(r).toEqual({ url: e.metricsUrl, servers: ['vllm', 'dcgm'], notice: `server metrics: on (${e.metricsUrl}: vLLM, DCGM)` });
  });

  it('turns the default off with a one-line reason when it answers 404', async () => {
    const e = await exporter({ kind: 'status', status: 404, body: '' });
    const r = await resolveServerMetricsUrl({ endpoint: `${e.url}/v1/completions` });
    expect(r).toEqual({
      url: null,
      reason: `GET ${e.metricsUrl} answered 404`,
      notice: `server metrics: off (GET ${e.metricsUrl} answered 404)`,
    });
  });

  it('turns the default off when the page is not Prometheus text, or has no samples', async () => {
    const e = await exporter({ kind: 'page', text: '<!doctype html><html><body>Ollama is running</body></html>' });
    const r = await resolveServerMetricsUrl({ endpoint: `${e.url}/v1/completions` });
    expect(r.url).toBeNull();
    expect(r.notice).toMatch(new RegExp(`^server metrics: off \\(GET ${e.metricsUrl} answered 200 but not with Prometheus text \\(line 1: `));
    expect(r.notice).not.toContain('\n');
    e.reply({ kind: 'page', text: '# nothing here yet\n' });
    expect(await probeMetricsUrl(e.metricsUrl)).toEqual({ ok: false, url: e.metricsUrl, reason: `GET ${e.metricsUrl} answered 200 with no metrics in it` });
  });

  it('turns the default off when the connection is refused', async () => {
    const port = await closedPort();
    const r = await resolveServerMetricsUrl({ endpoint: `http://127.0.0.1:${port}/v1/completions` });
    expect(r.url).toBeNull();
    expect(r.notice).toMatch(new RegExp(`^server metrics: off \\(GET http://127\\.0\\.0\\.1:${port}/metrics failed: .*ECONNREFUSED`));
  });

  it('an explicit --metrics-url that does not answer is a ConfigError naming the flag', async () => {
    const e = await exporter({ kind: 'status', status: 503, body: 'warming up' });
    const err = await resolveServerMetricsUrl({ endpoint: `${e.url}/v1/completions`, metricsUrl: e.metricsUrl }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([{ field: '--metrics-url', message: `GET ${e.metricsUrl} answered 503: warming up` }]);
    const notUrl = await resolveServerMetricsUrl({ endpoint: `${e.url}/v1/completions`, metricsUrl: 'metrics' }).catch((x: unknown) => x);
    expect((notUrl as ConfigError).problems[0]?.field).toBe('--metrics-url');
  });

  it('an explicit --metrics-url elsewhere (a DCGM exporter) is used when it answers', async () => {
    const dcgm = await exporter({ kind: 'page', text: exporterPage('dcgm') });
    const r = await resolveServerMetricsUrl({ endpoint: 'http://127.0.0.1:9/v1/completions', metricsUrl: dcgm.metricsUrl });
    expect(r).toMatchObject({ url: dcgm.metricsUrl, servers: ['dcgm'] });
  });
});

import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { startSimulator, type SimulatorHandle } from './sim-server.js';

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ ttftMs: 5, itlMs: 1, model: 'test-model', maxModelLen: 100 });
});
afterAll(() => sim.close());

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

async function call(method: string, path: string, body?: string): Promise<Reply> {
  const res = await fetch(`${sim.url}${path}`, { method, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('startSimulator', () => {
  it('binds loopback on a free port', () => {
    expect(sim.host).toBe('127.0.0.1');
    expect(sim.port).toBeGreaterThan(0);
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
  });

  it('rejects invalid options with every problem named', async () => {
    const bad = { ttftMs: -1, tokensPerChunk: 0, modle: 'x' } as Record<string, unknown>;
    const error = await startSimulator(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.field).sort()).toEqual([
      'sim.modle',
      'sim.tokensPerChunk',
      'sim.ttftMs',
    ]);
  });
});

describe('endpoints', () => {
  it('lists the served model', async () => {
    const res = await call('GET', '/v1/models');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      object: 'list',
      data: [
        {
          id: 'test-model',
          object: 'model',
          created: expect.any(Number),
          owned_by: 'llmload-sim',
          root: 'test-model',
          parent: null,
          max_model_len: 100,
        },
      ],
    });
  });

  it('answers /health with an empty 200', async () => {
    expect(await call('GET', '/health')).toMatchObject({ status: 200, text: '' });
  });
});

describe('errors', () => {
  const completions = (body: string) => call('POST', '/v1/completions', body);

  it('answers a malformed body with an OpenAI-style 400', async () => {
    const res = await completions('{"prompt": ');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({
      object: 'error',
      message: expect.stringContaining('invalid JSON body'),
      type: 'BadRequestError',
      param: null,
      code: 400,
    });
  });

  it('answers an invalid request with a 400 naming the fields', async () => {
    const res = await completions(JSON.stringify({ prompt: 3, max_tokens: -1 }));
    expect(res.status).toBe(400);
    const message = (JSON.parse(res.text) as { message: string }).message;
    expect(message).toContain('prompt: expected a string or a list of token ids');
    expect(message).toContain('max_tokens: ');
  });

  it('answers a request beyond the context window with a 400', async () => {
    const res = await completions(JSON.stringify({ prompt: 'a b c', max_tokens: 98 }));
    expect(res.status).toBe(400);
    expect(res.text).toContain("This model's maximum context length is 100 tokens");
  });

  it('answers an unknown model with a 404, as vLLM does', async () => {
    const res = await completions(JSON.stringify({ model: 'gpt-9', prompt: 'a' }));
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text)).toMatchObject({
      object: 'error',
      message: 'The model `gpt-9` does not exist.',
      type: 'NotFoundError',
      code: 404,
    });
  });

  it('answers an unknown path with 404 and a wrong method with 405', async () => {
    expect(await call('GET', '/v1/nothing')).toMatchObject({ status: 404, text: '{"detail":"Not Found"}' });
    const res = await call('GET', '/v1/chat/completions');
    expect(res).toMatchObject({ status: 405, text: '{"detail":"Method Not Allowed"}' });
    expect(res.headers.get('allow')).toBe('POST');
    expect((await call('POST', '/v1/models?x=1', '{}')).status).toBe(405);
  });
});

describe('close', () => {
  it('resolves promptly with an idle keep-alive connection and a stream in flight', async () => {
    const own = await startSimulator({ ttftMs: 1, itlMs: 1000 });
    const agent = new Agent({ keepAliveTimeout: 60_000 });
    try {
      // One finished request leaves an idle keep-alive socket; one stream stays open for minutes.
      await (await request(`${own.url}/health`, { dispatcher: agent })).body.text();
      const streaming = await request(`${own.url}/v1/completions`, {
        dispatcher: agent,
        method: 'POST',
        body: JSON.stringify({ prompt: 'x', max_tokens: 500, ignore_eos: true, stream: true }),
      });
      const reading = streaming.body.text().then(
        () => 'ended',
        () => 'cut',
      );
      const started = performance.now();
      await own.close();
      expect(performance.now() - started).toBeLessThan(500);
      expect(await reading).toBe('cut');
      await own.close(); // idempotent
    } finally {
      await agent.destroy();
    }
  });
});

import { nextLimit, type AimdSettings } from './aimd';
import { readServerLoad, sumSamples } from './prometheus-text';

const s: AimdSettings = {
  minInFlight: 2,
  maxInFlight: 100,
  targetWaiting: 4,
  maxKvUsage: 0.9,
  decreaseFactor: 0.5,
  increaseStep: 4,
};
const load = { waiting: 0, kvUsage: 0.5, preemptions: 0 };

describe('nextLimit (AIMD)', () => {
  it('grows additively only while saturated and the queue is short', () => {
    expect(nextLimit({ limit: 10, load, previousPreemptions: 0, saturated: true }, s)).toBe(14);
    expect(nextLimit({ limit: 10, load, previousPreemptions: 0, saturated: false }, s)).toBe(10);
    const queued = { ...load, waiting: 6 };
    expect(nextLimit({ limit: 10, load: queued, previousPreemptions: 0, saturated: true }, s)).toBe(
      10,
    );
  });

  it('halves on new preemptions, a full KV cache or a long queue, within bounds', () => {
    const pre = { ...load, preemptions: 5 };
    expect(nextLimit({ limit: 10, load: pre, previousPreemptions: 4, saturated: true }, s)).toBe(5);
    expect(nextLimit({ limit: 10, load: pre, previousPreemptions: 5, saturated: true }, s)).toBe(
      14,
    );
    const kv = { ...load, kvUsage: 0.95 };
    expect(nextLimit({ limit: 10, load: kv, previousPreemptions: 0, saturated: true }, s)).toBe(5);
    const long = { ...load, waiting: 9 };
    expect(nextLimit({ limit: 3, load: long, previousPreemptions: 0, saturated: true }, s)).toBe(2);
    expect(nextLimit({ limit: 99, load, previousPreemptions: 0, saturated: true }, s)).toBe(100);
  });
});

describe('Prometheus text', () => {
  it('sums every series of a family and skips comments', () => {
    const text = ['# HELP x demo', 'x{a="1"} 2', 'x{a="2"} 3.5', 'y 1e3', 'bad line'].join('\n');
    expect(sumSamples(text)).toEqual(
      new Map([
        ['x', 5.5],
        ['y', 1000],
      ]),
    );
  });

  it('reads vLLM (new and old names), SGLang and llama.cpp load signals', () => {
    expect(
      readServerLoad(
        'vllm:num_requests_waiting{model_name="m"} 3\nvllm:gpu_cache_usage_perc 0.4\nvllm:num_preemptions_total 7',
      ),
    ).toEqual({ waiting: 3, kvUsage: 0.4, preemptions: 7 });
    expect(readServerLoad('sglang:num_queue_reqs{tp_rank="0"} 12\nsglang:token_usage 0.8')).toEqual(
      {
        waiting: 12,
        kvUsage: 0.8,
        preemptions: undefined,
      },
    );
    expect(readServerLoad('llamacpp:requests_deferred 2\nllamacpp:requests_processing 4')).toEqual({
      waiting: 2,
      kvUsage: undefined,
      preemptions: undefined,
    });
  });
});

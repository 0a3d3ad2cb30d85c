import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { seriesCounter, seriesHistogram } from './series-metrics.js';

const BUCKETS = [0.005, 0.01, 0.1, 1, 2.5];
const labelValues = fc.tuple(
  fc.constantFrom('GET', 'POST'),
  fc.constantFrom('/a/{name}', '/b', 'unmatched'),
);
const observations = fc.array(fc.tuple(labelValues, fc.double({ min: 0, max: 10, noNaN: true })), {
  maxLength: 60,
});

/** The same observations through prom-client's own classes and through ours. */
async function expositions(seen: [[string, string], number][]) {
  const theirs = new Registry();
  const ours = new Registry();
  const common = { help: 'h', labelNames: ['method', 'route'] as const };
  const histogram = new Histogram({
    name: 'x_seconds',
    buckets: BUCKETS,
    registers: [theirs],
    ...common,
  });
  const counter = new Counter({ name: 'x_total', registers: [theirs], ...common });
  const fastHistogram = seriesHistogram({
    name: 'x_seconds',
    buckets: BUCKETS,
    registers: [ours],
    ...common,
  });
  const fastCounter = seriesCounter({ name: 'x_total', registers: [ours], ...common });
  for (const [[method, route], value] of seen) {
    histogram.observe({ method, route }, value);
    counter.inc({ method, route });
    fastHistogram.observe([method, route], value);
    fastCounter.inc([method, route]);
  }
  return {
    theirs: { text: await theirs.metrics(), json: await theirs.getMetricsAsJSON() },
    ours: { text: await ours.metrics(), json: await ours.getMetricsAsJSON() },
  };
}

describe('series metrics', () => {
  it("expose the same text and JSON as prom-client's Counter and Histogram", async () => {
    await fc.assert(
      fc.asyncProperty(observations, async (seen) => {
        const { theirs, ours } = await expositions(seen);
        expect(ours.text).toBe(theirs.text);
        expect(ours.json).toEqual(theirs.json);
      }),
    );
  });

  it('count an observation on a bound in that bucket, and start again on reset', async () => {
    const registry = new Registry();
    const histogram = seriesHistogram({
      name: 'y_seconds',
      help: 'h',
      labelNames: ['loop'],
      buckets: [1, 2],
      registers: [registry],
    });
    histogram.observe(['a'], 1);
    histogram.observe(['a'], 3);
    const text = await registry.metrics();
    expect(text).toContain('y_seconds_bucket{le="1",loop="a"} 1');
    expect(text).toContain('y_seconds_bucket{le="2",loop="a"} 1');
    expect(text).toContain('y_seconds_bucket{le="+Inf",loop="a"} 2');
    expect(text).toContain('y_seconds_sum{loop="a"} 4');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('loop="a"');
  });
});

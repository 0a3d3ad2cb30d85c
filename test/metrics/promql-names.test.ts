import { describe, expect, it } from 'vitest';
import { metricNamesIn, scrapeHas } from './promql-names.js';

describe('metricNamesIn', () => {
  it('finds the selected metrics and leaves out functions, labels, ranges and label lists', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (le, route) (rate(platform_x_seconds_bucket{job=~"$job",le!="a b"}[$__rate_interval])))' +
          ' / on (namespace) group_left max without (instance) (platform_y_total offset 5m) > bool 0.5 unless up',
      ),
    ).toEqual(['platform_x_seconds_bucket', 'platform_y_total', 'up']);
  });
});

describe('scrapeHas', () => {
  it("accepts samples, declared families and a histogram's series, nothing else", () => {
    const families = new Map([
      ['platform_h_seconds', 'histogram'],
      ['platform_g', 'gauge'],
    ]);
    const samples = new Set(['platform_c_total']);
    expect(scrapeHas('platform_c_total', samples, families)).toBe(true);
    expect(scrapeHas('platform_g', samples, families)).toBe(true);
    expect(scrapeHas('platform_h_seconds_bucket', samples, families)).toBe(true);
    expect(scrapeHas('platform_g_count', samples, families)).toBe(false);
    expect(scrapeHas('platform_missing', samples, families)).toBe(false);
  });
});

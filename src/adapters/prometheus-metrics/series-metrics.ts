import type { Metric, Registry } from 'prom-client';

/**
 * Counters and histograms for the series updated on every request (HTTP requests,
 * authorization decisions, audit appends). prom-client's `inc` and `observe` validate and
 * hash the label object on every call, a few microseconds of each authorized GET
 * (bench/scale.js); here the label values find their series through one map per label
 * (the values are the same string objects request after request, so each lookup hashes
 * nothing new), and an update is a few additions. They are registered on the same
 * registry and prom-client writes the exposition, the same text as its own `Counter` and
 * `Histogram` (series-metrics.test.ts compares them).
 */
interface SeriesOptions<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly registers: readonly Registry[];
}

/** Series by label values, in insertion order (as prom-client lists them). */
class SeriesTable<S> {
  private readonly root = new Map<string, unknown>();
  readonly all: { labels: Record<string, string>; series: S }[] = [];

  constructor(
    private readonly labelNames: readonly string[],
    private readonly create: () => S,
  ) {}

  /** The series of `values` (one per label name, in order), made on first use. */
  find(values: readonly string[]): S {
    let level = this.root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      const value = values[i] as string;
      let next = level.get(value) as Map<string, unknown> | undefined;
      if (next === undefined) level.set(value, (next = new Map()));
      level = next;
    }
    const leaf = values[last] as string;
    let series = level.get(leaf) as S | undefined;
    if (series === undefined) {
      if (values.length !== this.labelNames.length) {
        throw new Error(`expected ${this.labelNames.length} label values, got ${values.length}`);
      }
      series = this.create();
      level.set(leaf, series);
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => (labels[name] = values[i] as string));
      this.all.push({ labels, series });
    }
    return series;
  }

  clear(): void {
    this.root.clear();
    this.all.length = 0;
  }
}

function register(metric: object, registers: readonly Registry[]): void {
  // prom-client's registry needs only `name`, `help`, `type`, `get` and `reset`.
  for (const registry of registers) registry.registerMetric(metric as Metric);
}

export interface SeriesCounter {
  inc(values: readonly string[]): void;
}

export function seriesCounter<L extends string>(options: SeriesOptions<L>): SeriesCounter {
  const table = new SeriesTable(options.labelNames, () => ({ value: 0 }));
  const metric = {
    name: options.name,
    help: options.help,
    type: 'counter',
    aggregator: 'sum',
    get: () =>
      Promise.resolve({
        name: options.name,
        help: options.help,
        type: 'counter',
        aggregator: 'sum',
        values: table.all.map(({ labels, series }) => ({ labels, value: series.value })),
      }),
    reset: () => table.clear(),
  };
  register(metric, options.registers);
  return {
    inc(values) {
      table.find(values).value++;
    },
  };
}

export interface SeriesHistogram {
  observe(values: readonly string[], value: number): void;
}

export function seriesHistogram<L extends string>(
  options: SeriesOptions<L> & { readonly buckets: readonly number[] },
): SeriesHistogram {
  const bounds = [...options.buckets].sort((a, b) => a - b);
  const table = new SeriesTable(options.labelNames, () => ({
    // Per bucket, the observations up to its bound and above the one before.
    counts: new Float64Array(bounds.length),
    sum: 0,
    count: 0,
  }));
  const bucket = `${options.name}_bucket`;
  // The same values, labels and order as prom-client's `Histogram` in the exposition.
  const getForPromString = () => {
    const values: Record<string, unknown>[] = [];
    for (const { labels, series } of table.all) {
      let cumulative = 0;
      bounds.forEach((bound, i) => {
        cumulative += series.counts[i] as number;
        values.push(pair({ le: bound }, cumulative, bucket, labels));
      });
      values.push(
        pair({ le: '+Inf' }, series.count, bucket, labels),
        pair({}, series.sum, `${options.name}_sum`, labels),
        pair({}, series.count, `${options.name}_count`, labels),
      );
    }
    return Promise.resolve({
      name: options.name,
      help: options.help,
      type: 'histogram',
      aggregator: 'sum',
      values,
    });
  };
  const metric = {
    name: options.name,
    help: options.help,
    type: 'histogram',
    aggregator: 'sum',
    getForPromString,
    // The JSON form, as prom-client's `get`: the series' labels merged into each value's.
    get: async () => {
      const data = await getForPromString();
      return {
        ...data,
        values: data.values.map(({ sharedLabels, labels, ...rest }) => ({
          ...rest,
          labels: { ...(labels as object), ...(sharedLabels as object) },
        })),
      };
    },
    reset: () => table.clear(),
  };
  register(metric, options.registers);
  return {
    observe(values, value) {
      if (!Number.isFinite(value)) return;
      const series = table.find(values);
      let i = 0;
      while (i < bounds.length && value > (bounds[i] as number)) i++;
      if (i < bounds.length) series.counts[i] = (series.counts[i] as number) + 1;
      series.sum += value;
      series.count++;
    },
  };
}

const pair = (
  labels: Record<string, string | number>,
  value: number,
  metricName: string,
  sharedLabels: Record<string, string>,
) => ({ labels, sharedLabels, value, metricName, exemplar: 'le' in labels ? null : undefined });

/** PromQL words that are not metric names: functions, aggregations, operators, modifiers. */
const PROMQL_WORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'rate',
  'irate',
  'increase',
  'delta',
  'histogram_quantile',
  'clamp_min',
  'clamp_max',
  'absent',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
]);

/**
 * The metric names an expression selects. Strings, label matchers (`{…}`), ranges (`[…]`)
 * and label lists (`by (…)`, `on (…)`) are removed first; what remains that is not a
 * PromQL word or a number is a metric name.
 */
export function metricNamesIn(expression: string): string[] {
  const stripped = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  // Not inside a number or a duration (`0.95`, `1e3`, `offset 5m`).
  const names = [...stripped.matchAll(/(?<![\w.])[a-zA-Z_:][\w:]*/g)].map((match) => match[0]);
  return [...new Set(names.filter((name) => !PROMQL_WORDS.has(name)))];
}

/**
 * Whether a scrape has `name`: a sample of that name, a declared family (a gauge with no
 * series yet), or a histogram's `_bucket` / `_sum` / `_count` of a declared histogram.
 */
export function scrapeHas(
  name: string,
  sampleNames: ReadonlySet<string>,
  families: ReadonlyMap<string, string>,
): boolean {
  if (sampleNames.has(name) || families.has(name)) return true;
  const suffix = /^(.*)_(bucket|sum|count)$/.exec(name);
  return suffix !== null && families.get(suffix[1]!) === 'histogram';
}

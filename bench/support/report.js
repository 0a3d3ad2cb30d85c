// What every bench prints: progress on stderr, one table on stdout, figures formatted alike.
// A part that throws becomes an ERROR row and exit code 1; the other parts still run.

export const count = (n) => Math.round(n).toLocaleString('en-US');
export const fmtMs = (ms) =>
  ms < 1
    ? `${ms.toFixed(3)} ms`
    : ms < 1000
      ? `${ms.toFixed(1)} ms`
      : `${(ms / 1000).toFixed(2)} s`;
export const fmtMb = (bytes) => `${(bytes / 1048576).toFixed(0)} MB`;
export const fmtX = (x) => (x >= 100 ? count(x) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
export const percentile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
export const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

const elapsedMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * A report whose table has `header`'s columns (key → title, in order). `row(cells)` adds a
 * row; `part(cells, task)` runs a task and, if it throws, adds `cells` with the error as
 * `ours`; `fail()` marks a wrong result found without throwing; `print(title)` prints the
 * table and sets the exit code.
 */
export function createReport(header) {
  const startedAt = elapsedMs();
  const rows = [];
  let failed = false;
  const progress = (what) =>
    process.stderr.write(`[${((elapsedMs() - startedAt) / 1000).toFixed(1)} s] ${what}\n`);
  const row = (cells) => rows.push(cells);
  return {
    progress,
    row,
    fail: () => {
      failed = true;
    },
    async part(cells, task) {
      try {
        return await task();
      } catch (error) {
        failed = true;
        progress(`ERROR in "${cells.measure}": ${error.stack ?? error}`);
        const message = String(error.message ?? error)
          .split('\n')[0]
          .slice(0, 80);
        row({ ...cells, ours: `ERROR: ${message}`, baseline: '', ratio: '' });
        return undefined;
      }
    },
    print(title) {
      const columns = Object.keys(header);
      const text = (r, key) => String(r[key] ?? '');
      const widths = columns.map((key) =>
        Math.max(...[header, ...rows].map((r) => text(r, key).length)),
      );
      const line = (r) =>
        `| ${columns.map((key, i) => text(r, key).padEnd(widths[i])).join(' | ')} |`;
      console.log(title);
      console.log(line(header));
      console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
      for (const r of rows) console.log(line(r));
      if (failed) {
        console.error('some parts failed: see ERROR rows and the messages above');
        process.exitCode = 1;
      }
    },
  };
}

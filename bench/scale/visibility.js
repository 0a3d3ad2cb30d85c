// Change → visible: how long an out-of-band write (an `mc cp`, an `aws s3 cp`, a file
// renamed into the directory) takes to be served by the API. Shared by bench:scale and bench:s3.
import { fmtMs, percentile } from '../support/report.js';
import { get, now, sleep } from './processes.js';

/**
 * `samples` writes, one every ~`gapMs`: `write(name)` stores a claim of that name and
 * resolves once the store answered; then GET polls every `pollMs` until 200. Returns the
 * sorted write-answered → 200 latencies and how many never became visible in `timeoutMs`.
 */
export async function changeToVisible(
  server,
  token,
  { prefix, samples, gapMs, pollMs, timeoutMs, write },
) {
  const one = async (i) => {
    await sleep(i * gapMs + Math.random() * gapMs * 0.5);
    const name = `${prefix}-${String(i).padStart(4, '0')}`;
    await write(name);
    const written = now();
    while (now() - written < timeoutMs) {
      const { status } = await get(`${server.url}/api/v1/environments/${name}`, { token });
      if (status === 200) return now() - written;
      if (status !== 404) throw new Error(`GET ${name} answered ${status}`);
      await sleep(pollMs);
    }
    return undefined;
  };
  const results = await Promise.all(Array.from({ length: samples }, (_, i) => one(i)));
  const seen = results.filter((ms) => ms !== undefined).sort((a, b) => a - b);
  return { seen, missed: samples - seen.length };
}

/** "p50 / p99", or what never became visible. */
export const fmtVisible = ({ seen, missed }, timeoutMs) =>
  seen.length === 0
    ? `none in ${fmtMs(timeoutMs)}`
    : `${fmtMs(percentile(seen, 0.5))} / ${missed > 0 ? `>${fmtMs(timeoutMs)}` : fmtMs(percentile(seen, 0.99))}` +
      (missed > 0 ? ` (${missed} never)` : '');

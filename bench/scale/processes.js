// Child processes for bench/scale.js: the platform server, the bare Hono baseline and the
// load generator, each stopped by its PID (also when the bench fails or is interrupted).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLATFORMCTL = fileURLToPath(new URL('../../bin/platformctl.js', import.meta.url));
const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s
const children = new Set();

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Spawns a child and remembers it so `stopAll` can end it; keeps the tail of its output for errors. */
function track(child, label) {
  let tail = '';
  const keep = (chunk) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const handle = { child, pid: child.pid, label, exited, tail: () => tail, exitedEarly: undefined };
  exited.then((status) => {
    handle.exitedEarly = status;
    children.delete(handle);
  });
  children.add(handle);
  return handle;
}

/** SIGTERM, then SIGKILL after `graceMs`: by PID, only processes this bench started. */
export async function stop(handle, graceMs = 15_000) {
  if (!handle || handle.exitedEarly) return;
  try {
    process.kill(handle.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = sleep(graceMs).then(() => 'timeout');
  if ((await Promise.race([handle.exited, timer])) === 'timeout') {
    try {
      process.kill(handle.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await handle.exited;
  }
}

export async function stopAll() {
  await Promise.all([...children].map((handle) => stop(handle, 5000)));
}

/** Synchronous last resort for process exit paths: SIGKILL whatever is still running. */
export function killAllSync() {
  for (const handle of children) {
    try {
      process.kill(handle.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** GET with a deadline; resolves to { status, ms, text } or throws on network error/timeout. */
export async function get(url, { token, timeoutMs = 30_000 } = {}) {
  const started = now();
  const response = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return { status: response.status, ms: now() - started, text, headers: response.headers };
}

// BENCH_SERVER_NODE_ARGS: extra Node flags for the platform servers only, e.g.
// "--cpu-prof --cpu-prof-dir=/tmp/prof" (Node refuses --cpu-prof in NODE_OPTIONS, and the
// bench's own processes would be profiled too).
const serverNodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

/**
 * Starts `platformctl serve` and waits until /readyz answers 200. Returns the handle with
 * `readyMs` (spawn to ready) and `url`. Throws with the child's output if it exits or does
 * not become ready within `timeoutMs`.
 */
export async function startPlatform({ configPath, dataDir, port, timeoutMs }) {
  const started = now();
  const child = spawn(
    process.execPath,
    [...serverNodeArgs, PLATFORMCTL, 'serve', '--config', configPath, '--data-dir', dataDir],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  const handle = track(child, 'platform');
  handle.url = `http://127.0.0.1:${port}`;
  const deadline = started + timeoutMs;
  for (;;) {
    if (handle.exitedEarly) {
      throw new Error(
        `platform exited before ready (${JSON.stringify(handle.exitedEarly)}):\n${handle.tail()}`,
      );
    }
    if (now() > deadline) {
      await stop(handle, 5000);
      throw new Error(
        `platform not ready after ${(timeoutMs / 1000).toFixed(0)} s (BENCH_READY_TIMEOUT_S); output:\n${handle.tail()}`,
      );
    }
    try {
      const { status } = await get(`${handle.url}/readyz`, { timeoutMs: 5000 });
      if (status === 200) break;
    } catch {
      /* not listening yet */
    }
    await sleep(20);
  }
  handle.readyMs = now() - started;
  return handle;
}

/** Resident set size of a process in bytes, from /proc/<pid>/status. */
export function rssBytes(pid) {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Starts bench/scale/bare-hono.js serving `bodyFile`; resolves with its handle and url. */
export async function startBare(bodyFile, etag, timeoutMs = 30_000) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./bare-hono.js', import.meta.url)), bodyFile, etag ?? ''],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const handle = track(child, 'bare-hono');
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`bare Hono server did not start:\n${handle.tail()}`)),
      timeoutMs,
    );
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk.toString();
      const match = /\{"port":(\d+)\}/.exec(buffer);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    handle.exited.then((status) => {
      clearTimeout(timer);
      reject(new Error(`bare Hono server exited (${JSON.stringify(status)}):\n${handle.tail()}`));
    });
  });
  handle.url = `http://127.0.0.1:${port}`;
  return handle;
}

const hasWrk = spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
export const loadGenerator = hasWrk ? 'wrk' : 'node load-child (wrk not on PATH)';

function runChild(command, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const handle = track(child, command);
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk.toString()));
    const timer = setTimeout(() => {
      void stop(handle, 2000);
      reject(new Error(`${command} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    handle.exited.then(({ code }) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} exited ${code}:\n${handle.tail()}`));
    });
  });
}

/**
 * Requests per second over `seconds` with `concurrency` connections, by wrk or the node
 * fallback; throws if any response is not 2xx or any request failed (a wrong result).
 */
export async function loadTest(url, { concurrency, seconds, token }) {
  const authorization = token ? `Bearer ${token}` : '';
  const timeoutMs = (seconds + 30) * 1000;
  if (hasWrk) {
    const args = ['-t1', `-c${concurrency}`, `-d${seconds}s`, '--timeout', '10s'];
    if (authorization) args.push('-H', `Authorization: ${authorization}`);
    const out = await runChild('wrk', [...args, url], timeoutMs);
    const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
    const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
    const socketErrors = /Socket errors:([^\n]+)/.exec(out);
    if (!rps) throw new Error(`cannot read wrk output:\n${out}`);
    if (non2xx) throw new Error(`${non2xx[1]} non-2xx responses from ${url}`);
    if (socketErrors && /(timeout|read|write|connect) [1-9]/.test(socketErrors[1]))
      throw new Error(`socket errors from ${url}:${socketErrors[1]}`);
    return Number(rps[1]);
  }
  const out = await runChild(
    process.execPath,
    [
      fileURLToPath(new URL('./load-child.js', import.meta.url)),
      url,
      String(concurrency),
      String(seconds),
      authorization,
    ],
    timeoutMs,
  );
  const result = JSON.parse(out.trim().split('\n').at(-1));
  if (result.bad > 0 || result.errors > 0)
    throw new Error(`${result.bad} non-2xx responses and ${result.errors} errors from ${url}`);
  return result.ok / result.seconds;
}

/**
 * Creates by POST from wrk (a Lua script numbering the names), `concurrency` connections for
 * `seconds`: the same client as the GET rows, so the client's own cost stays out of the
 * figure. Returns requests per second, or undefined without wrk. Throws on any non-2xx.
 */
export async function wrkCreates(url, { concurrency, seconds, token, prefix, body, scriptDir }) {
  if (!hasWrk) return undefined;
  const script = join(scriptDir, `${prefix}.lua`);
  const [before, after] = JSON.stringify(body).split('"__NAME__"');
  writeFileSync(
    script,
    [
      'local counter = 0', // one wrk thread (-t1), so one counter numbers every name
      'request = function()',
      '  counter = counter + 1',
      `  local name = string.format("${prefix}-%05d", counter)`,
      `  local body = ${JSON.stringify(before)} .. '"' .. name .. '"' .. ${JSON.stringify(after)}`,
      '  return wrk.format("POST", nil, {["Content-Type"] = "application/json",',
      `    ["Authorization"] = "Bearer ${token}"}, body)`,
      'end',
      '',
    ].join('\n'),
  );
  const args = ['-t1', `-c${concurrency}`, `-d${seconds}s`, '--timeout', '30s', '-s', script];
  const out = await runChild('wrk', [...args, url], (seconds + 60) * 1000);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
  if (!rps) throw new Error(`cannot read wrk output:\n${out}`);
  if (non2xx) throw new Error(`${non2xx[1]} creates were refused by ${url}`);
  return Number(rps[1]);
}

#!/usr/bin/env node
// CommonJS (see bin/package.json) so this runs before anything uses libuv's thread pool,
// which is sized once, at its first use. Every fsync of a write blocks a pool thread, so a
// few more than the default 4 leave room for other file work during a burst of creates;
// 32 cost more CPU per create than 8 on 2 cores (thread hand-offs, concurrent journal
// commits) for no more creates per second (bench/scale.js, wrk c16).
process.env.UV_THREADPOOL_SIZE ??= '8';

// `access render` and `access plan` run in a second Node started with a larger young
// generation (see young-generation.js): it answers, prints and exits in its place.
const respawn = require('./young-generation.js').respawnArguments(
  process.argv,
  process.execArgv,
  process.env,
);
if (respawn === undefined) {
  void import('../dist/cli/main.js');
} else {
  const child = require('node:child_process').spawn(process.execPath, respawn, {
    stdio: 'inherit',
  });
  // A signal sent to this process alone (a supervisor's SIGTERM) reaches the render too.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (error) => {
    process.stderr.write(`platformctl: could not start Node for the render: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal !== null) {
      // Die of the same signal, so a shell sees what the render saw.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

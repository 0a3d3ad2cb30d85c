#!/usr/bin/env node
// CommonJS (see bin/package.json) so this runs before anything uses libuv's thread pool,
// which is sized once, at its first use. Every fsync of a write blocks a pool thread, so a
// few more than the default 4 leave room for other file work during a burst of creates;
// 32 cost more CPU per create than 8 on 2 cores (thread hand-offs, concurrent journal
// commits) for no more creates per second (bench/scale.js, wrk c16).
process.env.UV_THREADPOOL_SIZE ??= '8';
void import('../dist/cli/main.js');

#!/usr/bin/env node
// CommonJS (see bin/package.json) so this runs before anything uses libuv's thread pool,
// which is sized once, at its first use. Every fsync of a write blocks a pool thread; with
// the default 4, sixteen concurrent creates queue their reads behind each other's fsyncs.
process.env.UV_THREADPOOL_SIZE ??= '32';
void import('../dist/cli/main.js');

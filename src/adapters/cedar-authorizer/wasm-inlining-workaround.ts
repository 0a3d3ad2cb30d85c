import { setFlagsFromString } from 'node:v8';

/**
 * Node 20's V8 (11.3) crashes the process ("Fatal error … unreachable code" in
 * `Deoptimizer::DoComputeBuiltinContinuation`) when optimised code that inlined a JS→Wasm
 * call to cedar-wasm is lazily deoptimised. It showed after ~100,000 decisions in
 * `bench/authz.js`, every run; with this flag off the same run completes. The flag only
 * stops inlining the JS→Wasm wrapper, so nothing else changes. Newer V8 does not need it.
 * Imported for its effect before the first Cedar call can be optimised.
 */
const v8Major = Number(process.versions.v8.split('.')[0]);
if (v8Major <= 11) setFlagsFromString('--no-turbo-inline-js-wasm-calls');

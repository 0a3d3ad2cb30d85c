// `node --import <this file>`: appends the URL of every module the process resolves to the
// file named by MODULE_TRACE_FILE, one per line (tests of what a command loads).
import { register } from 'node:module';

register('./hooks.js', import.meta.url, { data: { file: process.env.MODULE_TRACE_FILE } });

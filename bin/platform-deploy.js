#!/usr/bin/env node
// CommonJS (see bin/package.json), like platformctl.js: the CLI itself is ESM under dist/.
void import('../dist/cli/deploy/main.js');

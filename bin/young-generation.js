// Which commands run in a Node with a larger young generation, and the arguments to start
// it with. CommonJS, as the bin shim that uses it (see package.json in this directory).
//
// V8 sizes its young generation from flags read at start; nothing can change it later. A
// render at scale makes hundreds of MB of short-lived objects and strings, and with V8's
// default semi-space (16 MiB at most) garbage collection was a third of it: alternating
// runs took 3.1–3.5 s with 64 MiB against 3.4–4.3 s without (docs/access-compiler.md).

'use strict';

const FLAG = '--max-semi-space-size';
const SEMI_SPACE_MB = 64;
/** `platformctl access <subcommand>`: the ones that render every tool's files. */
const RENDERING = new Set(['render', 'plan']);

/**
 * The arguments to start `script` again with the flag, or `undefined` to run here: not a
 * rendering command, the flag already given (by the user or by this respawn), or
 * `PLATFORMCTL_NO_RESPAWN` set.
 */
function respawnArguments(argv, execArgv, env) {
  const [, script, command, subcommand, ...rest] = argv;
  if (command !== 'access' || !RENDERING.has(subcommand)) return undefined;
  if (env.PLATFORMCTL_NO_RESPAWN !== undefined && env.PLATFORMCTL_NO_RESPAWN !== '')
    return undefined;
  if (execArgv.some((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`))) return undefined;
  const nodeOptions = env.NODE_OPTIONS ?? '';
  if (nodeOptions.includes(FLAG)) return undefined;
  return [...execArgv, `${FLAG}=${SEMI_SPACE_MB}`, script, command, subcommand, ...rest];
}

module.exports = { respawnArguments, SEMI_SPACE_MB };

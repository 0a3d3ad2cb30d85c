/**
 * Whether a vitest run started with `argv` can include a file whose path matches `pattern`:
 * a full run, or one whose file filters (the positional arguments after `run`/`watch`)
 * name such a file. Global setups use it to start a server only when a test needs it.
 */
export function runMayInclude(argv: readonly string[], pattern: RegExp): boolean {
  const args = argv.slice(2);
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('-')) {
      // An option's value (`-t name`, `--reporter dot`) is not a file filter.
      if (!arg.includes('=') && i + 1 < args.length && !args[i + 1]!.startsWith('-')) i++;
      continue;
    }
    positional.push(arg);
  }
  const filters = positional.filter((arg) => !['run', 'watch', 'dev', 'related'].includes(arg));
  return filters.length === 0 || filters.some((filter) => pattern.test(filter));
}

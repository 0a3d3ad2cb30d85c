import type { Command } from 'commander';

/** Registers the `static` commands (definitions only; the implementation loads when one runs). */
export function registerStaticCommands(program: Command): void {
  void program;
}

import type { Command } from 'commander';

/** Registers the `completion` commands (definitions only; the implementation loads when one runs). */
export function registerCompletionCommand(program: Command): void {
  void program;
}

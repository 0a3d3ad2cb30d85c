import type { Command } from 'commander';

/** Registers the `login` commands (definitions only; the implementation loads when one runs). */
export function registerLoginCommands(program: Command): void {
  void program;
}

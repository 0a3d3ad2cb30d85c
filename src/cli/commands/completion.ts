import { Argument, type Command } from 'commander';

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/**
 * `platformctl completion bash|zsh|fish`. Registered last in main.ts: the script is
 * generated from `program`'s command tree when the command runs, so it lists every
 * command registered before it.
 */
export function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description(
      'Print a completion script for bash, zsh or fish. Install: platformctl completion bash > ~/.local/share/bash-completion/completions/platformctl (zsh and fish: docs/cli-login.md)',
    )
    .addArgument(new Argument('<shell>', 'the shell').choices(COMPLETION_SHELLS))
    .action(async (shell: CompletionShell) => {
      const { completionScript } = await import('./completion-script.js');
      process.stdout.write(completionScript(program, shell));
    });
}

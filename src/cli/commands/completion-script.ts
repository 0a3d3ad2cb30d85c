import type { Command } from 'commander';
import { bashScript } from './completion-bash.js';
import { fishScript } from './completion-fish.js';
import { completionTree } from './completion-tree.js';
import { zshScript } from './completion-zsh.js';
import type { CompletionShell } from './completion.js';

/** The completion script for `shell`, from `program`'s commands as registered now. */
export function completionScript(program: Command, shell: CompletionShell): string {
  const tree = completionTree(program);
  const version = program.version() ?? '';
  switch (shell) {
    case 'bash':
      return bashScript(tree, version);
    case 'zsh':
      return zshScript(tree, version);
    case 'fish':
      return fishScript(tree, version);
  }
}

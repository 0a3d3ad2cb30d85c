import type { Command } from 'commander';

/** One option as the completion scripts offer it. */
export interface CompletionOption {
  /** `-c`, `--config`: every spelling. */
  readonly flags: readonly string[];
  readonly description: string;
  /** The next word is the option's value (a file or a URL), not a command. */
  readonly takesValue: boolean;
  readonly valueChoices?: readonly string[];
}

/** A command and what may follow it. */
export interface CompletionNode {
  readonly name: string;
  /** `/token/create`; the program itself is `''`. */
  readonly path: string;
  readonly description: string;
  readonly commands: readonly CompletionNode[];
  readonly options: readonly CompletionOption[];
  /** The words the command's first argument takes (`bash zsh fish`); none: files. */
  readonly argumentChoices: readonly string[];
  readonly takesArguments: boolean;
}

// Everything below goes into shell source: only these spellings are allowed there.
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const FLAG = /^--?[A-Za-z0-9][A-Za-z0-9_-]*$/;

const HELP_OPTION: CompletionOption = {
  flags: ['-h', '--help'],
  description: 'display help for command',
  takesValue: false,
};

/**
 * The command tree of `program` as registered when this runs: every command, nested, with
 * its options (hidden ones left out) and arguments. Throws `TypeError` for a name or flag
 * a shell script could not hold safely.
 */
export function completionTree(program: Command): CompletionNode {
  return node(program, '');
}

function node(command: Command, path: string): CompletionNode {
  const commands = command.commands.map((sub) => node(sub, `${path}/${checked(sub.name(), NAME)}`));
  // Commander answers `help [command]` wherever there are subcommands.
  if (commands.length > 0 && !commands.some((sub) => sub.name === 'help')) {
    commands.push({
      name: 'help',
      path: `${path}/help`,
      description: 'display help for command',
      commands: [],
      options: [],
      argumentChoices: command.commands.map((sub) => sub.name()),
      takesArguments: true,
    });
  }
  const options: CompletionOption[] = command.options
    .filter((option) => !option.hidden)
    .map((option) => ({
      flags: [option.short, option.long]
        .filter((flag): flag is string => flag !== undefined)
        .map((flag) => checked(flag, FLAG)),
      description: summary(option.description),
      takesValue: option.required || option.optional,
      ...(option.argChoices
        ? { valueChoices: option.argChoices.map((c) => checked(c, NAME)) }
        : {}),
    }));
  const [first] = command.registeredArguments;
  return {
    name: command.name(),
    path,
    description: summary(command.description()),
    commands,
    options: [...options, HELP_OPTION],
    argumentChoices: (first?.argChoices ?? []).map((choice) => checked(choice, NAME)),
    takesArguments: first !== undefined,
  };
}

/** Every node of the tree, parents first. */
export function allNodes(root: CompletionNode): CompletionNode[] {
  return [root, ...root.commands.flatMap(allNodes)];
}

function checked(text: string, pattern: RegExp): string {
  if (!pattern.test(text)) throw new TypeError(`cannot complete '${text}': unexpected characters`);
  return text;
}

/** The first sentence on one line, at most 90 characters: what fits beside a completion. */
function summary(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  // A sentence ends before a capital: `e.g. ci-bot` goes on.
  const sentence = /^(.+?[.!?])\s+(?=[A-Z])/.exec(line)?.[1] ?? line;
  const short = sentence.replace(/\.$/, '');
  return short.length <= 90 ? short : `${short.slice(0, 89)}…`;
}

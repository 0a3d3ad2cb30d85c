import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionScript } from '../../src/cli/commands/completion-script.js';
import { allNodes, completionTree } from '../../src/cli/commands/completion-tree.js';
import { runNode } from '../support/run-process.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(REPO_ROOT, 'bin', 'platformctl.js');

/** Fails with how to get `shell` when it is missing, rather than skipping the check. */
function requireShell(shell: string): void {
  if (spawnSync('sh', ['-c', `command -v ${shell}`]).status !== 0) {
    throw new Error(`${shell} is not installed: apt-get install -y ${shell} (.ci/run does this)`);
  }
}

let dir: string;
const scripts: Record<string, string> = {};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'platformctl-completion-'));
  for (const shell of ['bash', 'zsh', 'fish']) {
    // The built CLI (npm run build): the script comes from the real command tree.
    const run = await runNode([CLI, 'completion', shell], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    scripts[shell] = run.stdout;
    await writeFile(join(dir, `platformctl.${shell}`), run.stdout);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `shell -n` on the generated script: exit status and complaints. */
function syntaxCheck(shell: string) {
  const result = spawnSync(shell, ['-n', join(dir, `platformctl.${shell}`)], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

/** What the bash script offers with `words` typed (the last one being completed). */
function bashComplete(words: string[]): string[] {
  const quoted = words.map((word) => `'${word}'`).join(' ');
  const result = spawnSync(
    'bash',
    [
      '-c',
      `source "$1"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _platformctl; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'bash',
      join(dir, 'platformctl.bash'),
    ],
    { encoding: 'utf8' },
  );
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.split('\n').filter(Boolean);
}

describe('platformctl completion', () => {
  it('bash: the script passes bash -n', () => {
    expect(syntaxCheck('bash')).toEqual({ status: 0, stderr: '' });
  });

  it('zsh: the script passes zsh -n', () => {
    requireShell('zsh');
    expect(syntaxCheck('zsh')).toEqual({ status: 0, stderr: '' });
  });

  it('fish: the script passes fish -n', () => {
    requireShell('fish');
    expect(syntaxCheck('fish')).toEqual({ status: 0, stderr: '' });
  });

  it('zsh: assigns none of the parameters zsh/parameter owns (checked without zsh too)', () => {
    // `local -a commands` or `options` would clash with zsh's own special parameters.
    expect(scripts['zsh']).not.toMatch(/^\s*(local\b.*\b)?(commands|options|path)=/m);
    expect(scripts['zsh']).not.toMatch(/local -a .*\b(commands|options|path)\b/);
    expect(scripts['zsh']).toMatch(/^#compdef platformctl\n/);
  });

  it('bash -n does catch a broken script (the check above can fail)', async () => {
    await writeFile(join(dir, 'broken.bash'), scripts['bash']?.replace(/\n {2}esac\n/, '\n') ?? '');
    const result = spawnSync('bash', ['-n', join(dir, 'broken.bash')], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
  });

  it('every script names every command registered before it, nested ones too', () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      for (const path of ['/login', '/logout', '/token/create', '/audit/verify', '/completion']) {
        expect(scripts[shell], `${shell} ${path}`).toContain(path);
      }
    }
  });

  it('bash completes commands, nested subcommands, options and argument choices', () => {
    expect(bashComplete(['platformctl', 'lo'])).toEqual(['login', 'logout']);
    expect(bashComplete(['platformctl', 'token', ''])).toEqual([
      'create',
      'list',
      'revoke',
      'help',
    ]);
    expect(bashComplete(['platformctl', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(bashComplete(['platformctl', 'login', '--t'])).toEqual(['--token-stdin']);
    // An option's value is skipped when finding the command, even if it looks like one.
    expect(bashComplete(['platformctl', 'login', '--server', 'token', '--c'])).toEqual([
      '--client-id',
    ]);
    // After an option that takes a value nothing is offered: bash falls back to file names.
    expect(bashComplete(['platformctl', 'login', '--server', ''])).toEqual([]);
    expect(bashComplete(['platformctl', 'audit', 'verify', '--he'])).toEqual(['--head', '--help']);
  });
});

describe('completionTree', () => {
  it('walks nested commands, their options (not hidden ones) and argument choices', () => {
    const program = new Command('demo').version('1.2.3');
    const outer = program.command('outer').description('Outer things. More words.');
    outer
      .command('inner')
      .option('-f, --file <path>', 'a file')
      .option('--flag', 'a switch')
      .command('deepest')
      .argument('<kind>')
      .action(() => undefined);
    program
      .command('hidden-option')
      .addOption(new Command().createOption('--secret', 'not shown').hideHelp());
    const tree = completionTree(program);
    expect(allNodes(tree).map((node) => node.path)).toEqual([
      '',
      '/outer',
      '/outer/inner',
      '/outer/inner/deepest',
      '/outer/inner/help',
      '/outer/help',
      '/hidden-option',
      '/help',
    ]);
    const inner = tree.commands[0]?.commands[0];
    expect(inner?.options).toEqual([
      { flags: ['-f', '--file'], description: 'a file', takesValue: true },
      { flags: ['--flag'], description: 'a switch', takesValue: false },
      { flags: ['-h', '--help'], description: 'display help for command', takesValue: false },
    ]);
    expect(tree.commands[0]?.description).toBe('Outer things');
    expect(tree.commands[1]?.options.map((option) => option.flags)).toEqual([['-h', '--help']]);
    expect(completionScript(program, 'bash')).toContain("'/outer/inner/deepest'");
  });

  it('refuses a name a shell script could not hold', () => {
    const program = new Command('demo');
    program.command("it's");
    expect(() => completionTree(program)).toThrow(TypeError);
  });
});

import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../src/program.js';

function sub(program: Command, path: string[]): Command {
  return path.reduce<Command>((command, name) => command.commands.find((c) => c.name() === name)!, program);
}

function helpOf(path: string[]): string {
  const program = createProgram();
  let help = '';
  const command = sub(program, path);
  command.configureOutput({ writeOut: (text) => (help += text) });
  command.outputHelp();
  return help;
}

describe('studio train --engine', () => {
  it('train start and train preflight offer the engine and the rank in their help', () => {
    for (const path of [
      ['train', 'start'],
      ['train', 'preflight'],
    ]) {
      const help = helpOf(path);
      expect(help).toMatch(/--engine <engine>\s+training engine: simpletuner \(default\) or ai-toolkit/);
      expect(help).toMatch(/--rank <n>/);
    }
  });

  it('an unknown engine is refused by the parser with what is allowed', async () => {
    const program = createProgram();
    let errors = '';
    program.exitOverride();
    for (const command of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]) {
      command.exitOverride();
      command.configureOutput({ writeErr: (text) => (errors += text), writeOut: () => {} });
    }
    await expect(
      program.parseAsync(['node', 'studio', 'train', 'start', 'andie', '--engine', 'kohya']),
    ).rejects.toMatchObject({ code: 'commander.invalidArgument' });
    expect(errors).toMatch(
      /option '--engine <engine>' argument 'kohya' is invalid\. expected simpletuner or ai-toolkit/,
    );
  });
});

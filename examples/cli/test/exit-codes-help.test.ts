import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exitCodes, exitCodesHelp, exitCodesMarkdown, exitCodeTable } from '../src/exit-codes.js';
import { createProgram } from '../src/program.js';

/** The READMEs whose exit-code table is generated from `exitCodeMeanings`. */
const readmes = [
  fileURLToPath(new URL('../README.md', import.meta.url)),
  fileURLToPath(new URL('../../../README.md', import.meta.url)),
];
const section = /(<!-- exit-codes:start[^>]*-->\n)([\s\S]*?)(<!-- exit-codes:end -->)/;

/** The rows of a README's generated exit-code table: code and meaning, cells trimmed. */
function tableOf(readme: string): { code: number; meaning: string }[] {
  const match = section.exec(readme);
  if (!match) return [];
  return match[2]!
    .split('\n')
    .filter((line) => /^\|\s*\d+\s*\|/.test(line))
    .map((line) => {
      const [, code, meaning] = line.split('|').map((cell) => cell.trim());
      return { code: Number(code), meaning: meaning! };
    });
}

describe('exit codes in --help and the READMEs', () => {
  it('--help lists every exit code with its meaning', () => {
    let help = '';
    const program = createProgram();
    program.configureOutput({ writeOut: (text) => (help += text) });
    program.outputHelp();
    const codes = Object.values(exitCodes);
    expect(codes).toContain(7);
    expect(codes).toContain(8);
    for (const { code, meaning } of exitCodeTable()) {
      expect(help).toMatch(new RegExp(`^\\s*${code}  ${meaning.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
    expect(exitCodeTable().map((row) => row.code)).toEqual([...codes].sort((a, b) => a - b));
    expect(exitCodesHelp().split('\n')).toHaveLength(codes.length + 1);
  });

  // After changing an exit code or its meaning: STUDIO_UPDATE_READMES=1 npx vitest run test/exit-codes-help.test.ts
  it.each(readmes)('%s shows the same table', (path) => {
    let readme = readFileSync(path, 'utf8');
    expect(section.test(readme), `${path} has no <!-- exit-codes:start --> ... <!-- exit-codes:end --> section`).toBe(
      true,
    );
    if (process.env.STUDIO_UPDATE_READMES === '1') {
      readme = readme.replace(section, (_, start: string, _old: string, end: string) => {
        return `${start}\n${exitCodesMarkdown()}\n\n${end}`;
      });
      writeFileSync(path, readme);
    }
    expect(
      tableOf(readme),
      `The exit-code table of ${path} is out of date: run STUDIO_UPDATE_READMES=1 npx vitest run test/exit-codes-help.test.ts in examples/cli, or paste:\n${exitCodesMarkdown()}`,
    ).toEqual(exitCodeTable());
  });
});

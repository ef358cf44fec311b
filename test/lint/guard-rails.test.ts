import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as prettier from 'prettier';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('the guard rails npm test runs', () => {
  it('npm test runs the typecheck, the lint (eslint with the boundary rule, and the formatter check) and the dead-export check before vitest', () => {
    expect(scripts.test).toBe('npm run typecheck && npm run lint && npm run deadcode && vitest run');
    expect(scripts.lint).toBe('eslint . && prettier --check .');
    expect(scripts.deadcode).toMatch(/^knip\b/);
  });

  it('the formatter check fails on a source file that is not formatted, and passes on the file as committed', async () => {
    const file = join(root, 'src/kernel/clock.ts');
    const options = { ...(await prettier.resolveConfig(file)), filepath: file };
    const source = readFileSync(file, 'utf8');
    expect(await prettier.check(source, options)).toBe(true);
    expect(await prettier.check(source.replace('export interface Clock {', 'export  interface Clock{'), options)).toBe(false);
  });

  describe('the dead-export check', () => {
    const copy = mkdtempSync(join(tmpdir(), 'saga-knip-'));
    afterAll(() => rmSync(copy, { recursive: true, force: true }));
    for (const entry of [
      'src',
      'scenarios',
      'scripts',
      'test',
      'bin',
      'package.json',
      'tsconfig.json',
      'knip.json',
      'vitest.config.ts',
      'eslint.config.js',
    ]) {
      cpSync(join(root, entry), join(copy, entry), { recursive: true });
    }
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const knip = () =>
      spawnSync(join(root, 'node_modules/.bin/knip'), ['--no-config-hints', '--no-progress'], { cwd: copy, encoding: 'utf8' });

    it('passes on the tree as it is, and fails naming an export nothing imports, and a folder index re-exporting what no other folder uses', () => {
      expect(knip().status).toBe(0);
      writeFileSync(
        join(copy, 'src/kernel/clock.ts'),
        readFileSync(join(copy, 'src/kernel/clock.ts'), 'utf8') + 'export const plantedUnused = 1;\n',
      );
      const planted = knip();
      expect(planted.status).not.toBe(0);
      expect(planted.stdout).toContain('plantedUnused');
      writeFileSync(
        join(copy, 'src/broker/index.ts'),
        readFileSync(join(copy, 'src/broker/index.ts'), 'utf8') + "export { emptyBrokerStats } from './message.js';\n",
      );
      expect(knip().stdout).toContain('emptyBrokerStats');
    });
  });
});

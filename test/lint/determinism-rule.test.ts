import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('the lint rule that keeps time and randomness in the kernel', () => {
  it.each([
    'export const t = Date.now();',
    'export const r = Math.random();',
    'export const d = new Date();',
    'setTimeout(() => {}, 1);',
    "import { randomUUID } from 'node:crypto';\nexport const id = randomUUID();",
  ])('rejects %j outside the kernel', async (code) => {
    expect((await problems(code, 'src/services/example.ts')).length).toBeGreaterThan(0);
  });

  it('allows the same inside the kernel', async () => {
    expect(await problems('export const t = Date.now();', 'src/kernel/example.ts')).toEqual([]);
  });
});

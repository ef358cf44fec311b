import { readdirSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const RULE = '@typescript-eslint/no-restricted-imports';
const eslint = new ESLint();

/** The import-boundary messages for `code` linted as if it were the file at `filePath`. */
async function boundaryProblems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('the lint rule that keeps src/ layered', () => {
  // [what, file, code, part of the message]
  it.each([
    ['upward (broker → chaos)', 'src/broker/x.ts', "import { Chaos } from '../chaos/index.js';", 'depend downward only'],
    ['upward, types (endpoint → world)', 'src/endpoint/x.ts', "import type { World } from '../world/index.js';", 'downward only'],
    ['between layer-0 peers (kernel → store)', 'src/kernel/x.ts', "import { migrate } from '../store/index.js';", 'may not import store'],
    ['sideways (services → orchestrator)', 'src/services/x.ts', "import { SagaStatus } from '../orchestrator/index.js';", 'src/protocol'],
    ['sideways (orchestrator → services)', 'src/orchestrator/x.ts', "import type { Saga } from '../services/index.js';", 'src/protocol'],
    ['past index.js', 'src/world/x.ts', "import { Broker } from '../broker/broker.js';", 'through its index.js'],
    ['a re-export past index.js', 'src/world/x.ts', "export { Broker } from '../broker/broker.js';", 'through its index.js'],
    ['src → scenarios/', 'src/cli/run-command.ts', "import { SCENARIOS } from '../../scenarios/index.js';", 'Only src/cli/main.ts'],
    ['runtime, scenarios/ → src', 'scenarios/x.ts', "import { SagaStatus } from '../src/orchestrator/index.js';", 'only types from src'],
    ['types past index.js, scenarios/ → src', 'scenarios/x.ts', "import type { S } from '../src/scenario/scenario.js';", 'index.js'],
  ])('rejects an import %s', async (_what, filePath, code, message) => {
    const problems = await boundaryProblems(code, filePath);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toContain(message);
  });

  it('says where shared vocabulary goes', async () => {
    expect(await boundaryProblems("import { SagaStatus } from '../orchestrator/index.js';", 'src/services/x.ts')).toEqual([
      "'../orchestrator/index.js' import is restricted from being used by a pattern. " +
        'services may not import orchestrator: shared vocabulary belongs in src/protocol.',
    ]);
  });

  // [what, file, code]
  it.each([
    ['downward (world → broker)', 'src/world/x.ts', "import { Broker } from '../broker/index.js';"],
    ['inside the same folder', 'src/broker/x.ts', "import { Broker } from './broker.js';"],
    ['downward of src/version.ts', 'src/fuzz/x.ts', "import { buildVersion } from '../version.js';"],
    ['of scenarios/ in src/cli/main.ts', 'src/cli/main.ts', "import { SCENARIOS } from '../../scenarios/index.js';"],
    ['type-only, scenarios/ → src', 'scenarios/x.ts', "import type { ComponentName } from '../src/chaos/index.js';"],
    ['inline types only, scenarios/ → src', 'scenarios/x.ts', "import { type ComponentName } from '../src/chaos/index.js';"],
    ['runtime, scenarios/ → the builder', 'scenarios/x.ts', "import { shopWorkload, type Scenario } from '../src/scenario/index.js';"],
  ])('allows an import %s', async (_what, filePath, code) => {
    expect(await boundaryProblems(code, filePath)).toEqual([]);
  });

  it('gives every folder and file in src/ a layer', async () => {
    const modules = readdirSync('src', { withFileTypes: true }).map((e) => (e.isDirectory() ? `src/${e.name}/x.ts` : `src/${e.name}`));
    const unlayered: string[] = [];
    for (const file of modules) {
      const config = (await eslint.calculateConfigForFile(file)) as { rules?: Record<string, unknown> } | undefined;
      if (!config?.rules?.[RULE]) unlayered.push(file);
    }
    expect(unlayered, 'add them to LAYERS in eslint.config.js').toEqual([]);
  });
});

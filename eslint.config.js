// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Time and randomness outside the simulation kernel would break replay from a seed. */
const nondeterminism = {
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Use the kernel Scheduler: only the simulation kernel touches time.' },
    { name: 'setInterval', message: 'Use the kernel Scheduler: only the simulation kernel touches time.' },
    { name: 'setImmediate', message: 'Use the kernel Scheduler: only the simulation kernel touches time.' },
    { name: 'performance', message: 'Wall time belongs to benchmarks only.' },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Use the virtual Clock: only the simulation kernel touches time.' },
    { object: 'Math', property: 'random', message: 'Use a seeded Rng forked from the run seed.' },
    { object: 'crypto', property: 'randomUUID', message: 'Ids come from the seeded Rng.' },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date']", message: 'Use the virtual Clock: only the simulation kernel touches time.' },
    { selector: "ImportSpecifier[imported.name='randomUUID']", message: 'Ids come from the seeded Rng.' },
    { selector: "ImportSpecifier[imported.name='randomBytes']", message: 'Randomness comes from the seeded Rng.' },
  ],
};

/**
 * Import boundaries: the architecture of src/, lowest layer first. A module may import from a
 * LOWER layer and from itself, never sideways (same layer) or upward; across src folders it goes
 * through the folder's index.js. Every folder under src/ must appear here (test/lint checks it).
 */
const LAYERS = [
  /*  0 */ ['kernel', 'store', 'version.ts'],
  /*  1 */ ['protocol', 'defences'],
  /*  2 */ ['broker'],
  /*  3 */ ['endpoint'],
  /*  4 */ ['chaos'], // the fault engine: implements interfaces declared by broker and endpoint
  /*  5 */ ['services', 'orchestrator', 'choreography', 'two-phase'], // peers: none imports another
  /*  6 */ ['check'],
  /*  7 */ ['world'],
  /*  8 */ ['scenario'],
  /*  9 */ ['fuzz', 'operate'], // operate: reads and acts on a run directory
  /* 10 */ ['bench', 'report'], // report: draws a run as one HTML page
  /* 11 */ ['cli'],
];
const BOUNDARY_SEVERITY = 'error';
/** The one file under src/ that may import the top-level scenarios/ catalogue. */
const CATALOGUE_IMPORTER = { module: 'cli', file: 'src/cli/main.ts' };
/** What same-layer peers do instead of importing each other, by layer. */
const PEER_ADVICE = { 5: 'shared vocabulary belongs in src/protocol' };

/** `@typescript-eslint/no-restricted-imports` blocks built from LAYERS: one per src module, one for scenarios/. */
function importBoundaries() {
  const modules = LAYERS.flatMap((names, layer) => names.map((name) => ({ name, layer, isFile: name.endsWith('.ts') })));
  const folders = modules.filter((m) => !m.isFile).map((m) => m.name);
  const label = (m) => (m.isFile ? `src/${m.name}` : m.name);
  // Specifiers are relative: `../x/index.js` from inside src/<folder>/, `./x/index.js` from a file in src/ itself.
  const prefix = (m) => (m.isFile ? '\\./' : '(\\.\\./)+');
  const specifier = (m) => (m.isFile ? `${m.name.replace(/\.ts$/, '\\.js')}$` : `${m.name}(/|$)`);

  const layering = (from) =>
    modules
      .filter((to) => to !== from && to.layer >= from.layer)
      .map((to) => ({
        regex: `^${prefix(from)}${specifier(to)}`,
        message:
          to.layer === from.layer
            ? `${label(from)} may not import ${label(to)}: ${PEER_ADVICE[from.layer] ?? `peers in layer ${from.layer} never import each other`}.`
            : `${label(from)} (layer ${from.layer}) may not import ${label(to)} (layer ${to.layer}): depend downward only; move the shared piece down, or declare an interface in ${label(from)} for ${label(to)} to implement.`,
      }));
  const THROUGH_INDEX = 'Import another src folder through its index.js, never a file inside it: export what you need from that index.';
  const TYPES_ONLY = 'scenarios/ may take only types from src (`import type`); runtime values come through src/scenario/index.js.';
  const throughIndex = (from) => ({ regex: `^${prefix(from)}(${folders.join('|')})/(?!index\\.js$)`, message: THROUGH_INDEX });
  const noCatalogue = {
    regex: '^(\\.\\./)+scenarios(/|$)',
    message: `Only ${CATALOGUE_IMPORTER.file} may import the scenarios/ catalogue: pass the scenarios in from there.`,
  };
  const restrict = (patterns) => ({ '@typescript-eslint/no-restricted-imports': [BOUNDARY_SEVERITY, { patterns }] });

  const src = modules.map((m) => ({
    name: `import-boundaries/src/${m.name}`,
    files: [m.isFile ? `src/${m.name}` : `src/${m.name}/**/*.ts`],
    ignores: [CATALOGUE_IMPORTER.file],
    rules: restrict([...layering(m), throughIndex(m), noCatalogue]),
  }));
  const cli = modules.find((m) => m.name === CATALOGUE_IMPORTER.module);
  const catalogueImporter = {
    name: `import-boundaries/${CATALOGUE_IMPORTER.file}`,
    files: [CATALOGUE_IMPORTER.file],
    rules: restrict([...layering(cli), throughIndex(cli)]),
  };
  const scenarios = {
    name: 'import-boundaries/scenarios',
    files: ['scenarios/**/*.ts'],
    rules: restrict([
      // The catalogue describes runs through the one small builder; from the rest of src it takes types only.
      { regex: '^(\\.\\./)+src/(?!scenario/index\\.js$)([^/]+/index|[^/]+)\\.js$', allowTypeImports: true, message: TYPES_ONLY },
      { regex: '^(\\.\\./)+src/[^/]+/(?!index\\.js$)', message: THROUGH_INDEX },
    ]),
  };
  return [...src, catalogueImporter, scenarios];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.saga/**', '.dist-*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      ...nondeterminism,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  // The kernel owns time and randomness; everything else reads wall time through its wallClockMs.
  { files: ['src/kernel/**'], rules: { 'no-restricted-globals': 'off', 'no-restricted-properties': 'off', 'no-restricted-syntax': 'off' } },
  // Import boundaries: see LAYERS above.
  ...importBoundaries(),
);

import { UserError } from '../kernel/index.js';
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { INVARIANTS } from '../check/index.js';
import { DEFENCE_NAMES, defenceFlag, parseDefence, type DefenceName } from '../defences/index.js';
import { COMPENSATORS, COMPONENTS, STYLES } from '../protocol/index.js';
import { ALL_COVERAGE_PATHS } from './coverage.js';

// The files a user hands back to the lab (replay files, shard outputs) are input like any
// other: each is read against one schema, and a problem is reported with the field it is in.

const MAX_SEED = 2 ** 32 - 1;
const seed = z.number().int().min(0).max(MAX_SEED);
const count = z.number().int().min(0);
const name = z.string().min(1).max(200);
/** A defence as files name it (the code's name, `compensationRetry`) or as the CLI does (`compensation-retry`); errors use the CLI's. */
const defence = z.string().transform((given, ctx) => {
  const known = (DEFENCE_NAMES as readonly string[]).includes(given) ? (given as DefenceName) : parseDefence(given);
  if (known) return known;
  ctx.addIssue({ code: 'custom', message: `no defence '${given}'; the defences are ${DEFENCE_NAMES.map(defenceFlag).join(', ')}` });
  return z.NEVER;
});
const defences = z.array(defence).refine((d) => new Set(d).size === d.length, 'a defence named twice');
/** How the sagas were coordinated; absent for orchestration, as in every file written before styles. */
const coordination = z.strictObject({ style: z.enum(STYLES), compensator: z.enum(COMPENSATORS) }).optional();

/** The saga a message belongs to: empty for one that belongs to none (the reconciler's sweeps). */
const sagaOf = z.string().max(200);
const target = { type: name, saga: sagaOf.optional(), times: z.number().int().min(1).optional(), nth: z.number().int().min(1).optional() };
const trigger = z.strictObject({
  on: z.enum(['before-commit', 'after-commit', 'handle', 'ack', 'publish']),
  type: name.optional(),
  actor: z.enum(COMPONENTS).optional(),
  saga: sagaOf.optional(),
  detail: z.string().min(1).max(200).optional(),
  nth: z.number().int().min(1).optional(),
});
/** Every kind of targeted fault a schedule can hold (see ScriptedFault). */
const fault = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('duplicate-delivery'), copies: z.number().int().min(1).max(100).optional(), ...target }),
  z.strictObject({ kind: z.literal('drop-delivery'), ...target }),
  z.strictObject({ kind: z.literal('delay-delivery'), ticks: z.number().int().min(1), ...target }),
  z.strictObject({ kind: z.literal('drop-publish'), ...target }),
  z.strictObject({
    kind: z.literal('fail-command'),
    mode: z.enum(['fail', 'throw']),
    faultPhaseOnly: z.literal(true).optional(),
    ...target,
  }),
  z.strictObject({ kind: z.literal('reorder'), batch: z.number().int().min(1), swap: z.tuple([count, count]) }),
  z.strictObject({ kind: z.literal('reverse-queue'), queue: z.enum(COMPONENTS), nth: z.number().int().min(1) }),
  z.strictObject({ kind: z.literal('poison'), type: name }),
  z.strictObject({
    kind: z.literal('kill'),
    component: z.enum(COMPONENTS),
    when: trigger,
    downTicks: z.number().int().min(1),
    forgetsTimers: z.literal(true).optional(),
    upgradesTo: z.number().int().min(1).optional(),
  }),
]);

const workload = z
  .strictObject({
    stock: z.array(z.strictObject({ sku: name, units: count, priceCents: count })),
    customers: z.array(z.strictObject({ customer: name, balanceCents: count })),
    orders: z
      .array(z.strictObject({ orderId: name, customer: name, sku: name, qty: z.number().int().min(1), atTick: count }))
      .min(1)
      // One saga per order, named after it: two orders with one id would be one saga.
      .refine((orders) => new Set(orders.map((o) => o.orderId)).size === orders.length, 'an order id given twice'),
    approval: z
      .strictObject({ thresholdCents: count, slaTicks: z.number().int().min(1), onSla: z.enum(['reject', 'escalate']) })
      .optional(),
    dispatchAfterTicks: z.number().int().min(1).optional(),
    dedupeWindowTicks: z.number().int().min(1).optional(),
    operator: z
      .array(
        z.strictObject({
          atTick: count,
          action: z.enum(['redrive', 'resolve', 'approve', 'reject']),
          note: z.string().max(200),
          by: name.optional(),
          orders: z.array(name).optional(),
        }),
      )
      .optional(),
  })
  .superRefine((w, ctx) => {
    const skus = new Set(w.stock.map((s) => s.sku));
    const customers = new Set(w.customers.map((c) => c.customer));
    w.orders.forEach((o, i) => {
      if (!skus.has(o.sku)) ctx.addIssue({ code: 'custom', path: ['orders', i, 'sku'], message: `no SKU '${o.sku}' in the stock` });
      if (!customers.has(o.customer))
        ctx.addIssue({ code: 'custom', path: ['orders', i, 'customer'], message: `no customer '${o.customer}'` });
    });
  });

export const REPLAY_FILE_SCHEMA = z.strictObject({
  format: z.literal('saga-lab-replay/1'),
  build: name,
  seed,
  disabled: defences,
  coordination,
  // One of this build's invariants: a replay of a name it does not check could only ever say 'holds'.
  invariant: z.enum(INVARIANTS.map((i) => i.name) as [string, ...string[]]),
  detail: z.string(),
  workload,
  schedule: z.array(fault),
  digest: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 digest in hex'),
});

/** Seeds per path reached; which paths depends on the style, so any known path may be there. */
const coverage = z.partialRecord(z.enum(ALL_COVERAGE_PATHS as [string, ...string[]]), count);

export const SWEEP_SUMMARY_SCHEMA = z.object({
  seedsRun: count,
  range: z.strictObject({
    from: seed,
    seeds: z.number().int().min(1),
    shard: z
      .strictObject({ index: z.number().int().min(1), count: z.number().int().min(1) })
      .refine((s) => s.index <= s.count, 'index above count')
      .optional(),
  }),
  disabled: defences,
  coordination,
  faultsInjected: count,
  violations: z.array(z.strictObject({ seed, invariant: name, detail: z.string() })),
  byInvariant: z.record(z.string(), count),
  coverage,
});

/** The error a user's file gets: one sentence naming the file and what is wrong where. */
export class BadFileError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'BadFileError';
  }
}

/** Reads a JSON file and checks it against `schema`; throws a BadFileError naming the file and the field. */
export function readJsonFile<T>(path: string, schema: z.ZodType<T>, what: string): T {
  let text: string;
  try {
    // A device or a pipe could be endless (/dev/zero) or refuse to be read whole: only regular files are input (a folder fails below, EISDIR).
    const kind = statSync(path);
    if (!kind.isFile() && !kind.isDirectory()) throw Object.assign(new Error('not a file'), { code: 'ENOTFILE' });
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'there is no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : code === 'ENOTFILE'
              ? 'it is not a regular file'
              : String(code ?? error);
    throw new BadFileError(`Cannot read ${what} ${path}: ${why}.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new BadFileError(`${path} is not a ${what}: it is not valid JSON.`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : 'the top level';
    throw new BadFileError(
      `${path} is not a valid ${what}: at ${where}, ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}.`,
    );
  }
  return parsed.data;
}

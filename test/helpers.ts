import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SCENARIOS } from '../scenarios/index.js';
import type { CliIo } from '../src/cli/cli-io.js';
import { runCli } from '../src/cli/program.js';
import { firstStyleFor, notApplicable, type Scenario } from '../src/scenario/index.js';
import type { Style } from '../src/protocol/index.js';
import type { Message } from '../src/broker/index.js';
import type { ComponentName, OrderPayload, ServiceFact } from '../src/protocol/index.js';
import BetterSqlite3 from 'better-sqlite3';
import { ALL_DEFENCES, type Defences } from '../src/defences/index.js';
import {
  NO_COMMAND_FAULTS,
  NO_TRANSACTION_CRASHES,
  type CommandFaults,
  type TransactionCrashes,
  type ComponentDefinition,
  type EndpointContext,
  type HandlerTx,
} from '../src/endpoint/index.js';
import { migrate } from '../src/store/index.js';
import { randomStreams, Scheduler, Trace, VirtualClock, type TraceEvent } from '../src/kernel/index.js';

/** A context for driving one endpoint by hand; `events` collects its trace. */
export function testContext(
  faults: CommandFaults = NO_COMMAND_FAULTS,
  crashes: TransactionCrashes = NO_TRANSACTION_CRASHES,
): EndpointContext & { clock: VirtualClock; events: TraceEvent[] } {
  const trace = new Trace({ keep: true });
  const events: TraceEvent[] = [];
  trace.on((e) => events.push(e));
  const rng = randomStreams(1).component('test');
  return {
    clock: new VirtualClock(),
    rng,
    trace,
    faults,
    defences: ALL_DEFENCES,
    scheduler: new Scheduler(),
    stats: { commits: 0 },
    crashes,
    events,
  };
}

export const PAYLOAD: OrderPayload = { orderId: 'order-1', customer: 'alice', sku: 'SKU-A', qty: 2, amountCents: 500 };

let next = 0;
/** A message as the broker would deliver it; a fresh id unless one is given. */
export function message(queue: ComponentName, type: string, sagaId = 'saga-1', body: unknown = PAYLOAD, id = `m-${++next}`): Message {
  return { id, queue, type, sagaId, body: JSON.stringify(body) };
}

/** Publishes everything an endpoint's relay has and returns it. */
export function drainOutbox(endpoint: { relayPublish(p: (m: Message) => boolean): void; relayConfirm(): void }): Message[] {
  const out: Message[] = [];
  endpoint.relayPublish((m) => (out.push(m), true));
  endpoint.relayConfirm();
  return out;
}

let fakeIds = 0;
/** A handler's transaction, faked: it records what the handler sent and noted, and commits nothing; `failure` injects a refusal. */
export function fakeTx(now = 0, failure = false) {
  const sent: Array<{ queue: string; type: string; sagaId: string; body: unknown }> = [];
  const notes: string[] = [];
  const facts: ServiceFact[] = [];
  const emitted: TraceEvent[] = [];
  const afterCommit: Array<() => void> = [];
  const tx: HandlerTx = {
    now,
    newId: (prefix) => `${prefix}-${++fakeIds}`,
    send: (queue, type, sagaId, bodyJson) => void sent.push({ queue, type, sagaId, body: JSON.parse(bodyJson) }),
    note: (detail) => void notes.push(detail),
    fact: (fact) => void facts.push(fact),
    emit: (event) => void emitted.push(event),
    afterCommit: (f) => void afterCommit.push(f),
    injectedFailure: () => failure,
  };
  return { tx, sent, notes, facts, emitted, afterCommit };
}

/** A component's handler on a fresh in-memory database with its tables, every defence on unless told otherwise. */
export function handlerOn(definition: ComponentDefinition, defences: Defences = ALL_DEFENCES) {
  const db = new BetterSqlite3(':memory:');
  migrate(db, definition.migrations);
  const handler = definition.createHandler(db, {
    defences,
    timers: { at: () => {}, cancel: () => {} },
    transact: (work) => work(fakeTx().tx),
  });
  return { db, handler };
}

const scratch: string[] = [];
/** A new empty folder under the system's temporary directory; every one is removed when the test file ends. */
export function scratchDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `saga-${name}-`));
  scratch.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the saga command line in this process, as a user would type it, and keeps what it printed; NO_COLOR unless `io.env` says otherwise. */
export async function sagaCli(
  args: readonly string[],
  io: Partial<Omit<CliIo, 'out' | 'err'>> = {},
  catalogue: readonly Scenario[] = SCENARIOS,
) {
  let stdout = '';
  let stderr = '';
  const env = { NO_COLOR: '1', ...io.env };
  const code = await runCli(args, { ...io, env, out: (t) => void (stdout += t), err: (t) => void (stderr += t) }, catalogue);
  return { code, stdout, stderr };
}

/** The catalogue's scenarios that apply to the orchestrated saga, the default style: what a bare `run --all` runs. */
export const ORCHESTRATED = SCENARIOS.filter((s) => notApplicable(s, undefined) === null);

/** How to run a scenario in the first style it applies to: nothing for the orchestrated saga, else the style (a 2pc-only scenario). */
export function ownStyle(scenario: Scenario): { coordination?: { style: Style; compensator: 'janitor' } } {
  const style = firstStyleFor(scenario);
  return style === 'orchestration' ? {} : { coordination: { style, compensator: 'janitor' } };
}

/** Every file of a directory with a hash of its bytes (a folder as such): what "nothing changed on disk" compares. */
export function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [
        f,
        statSync(join(dir, f)).isDirectory()
          ? 'a folder'
          : createHash('sha256')
              .update(readFileSync(join(dir, f)))
              .digest('hex'),
      ]),
  );
}

/** Waits `ms` of wall time: for tests that drive a real process or a real signal, never for the simulation. */
export function wallWait(ms: number): Promise<void> {
  // eslint-disable-next-line no-restricted-globals -- a real process runs on wall time
  return new Promise((done) => setTimeout(done, ms));
}

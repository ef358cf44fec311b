import type { Message } from '../src/broker/index.js';
import type { ComponentName, OrderPayload } from '../src/protocol/index.js';
import { ALL_DEFENCES } from '../src/defences/index.js';
import { NO_COMMAND_FAULTS, type CommandFaults, type EndpointContext } from '../src/endpoint/index.js';
import { forkRng, Trace, VirtualClock, type TraceEvent } from '../src/kernel/index.js';

/** A context for driving one endpoint by hand; `events` collects its trace. */
export function testContext(faults: CommandFaults = NO_COMMAND_FAULTS): EndpointContext & { clock: VirtualClock; events: TraceEvent[] } {
  const trace = new Trace({ keep: true });
  const events: TraceEvent[] = [];
  trace.on((e) => events.push(e));
  return { clock: new VirtualClock(), rng: forkRng(1, 'test'), trace, faults, defences: ALL_DEFENCES, stats: { commits: 0 }, events };
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

import type { ComponentName, Compensator, ServiceName } from './components.js';
import { Command, PLACE_ORDER, replyType, serviceOf, UNDO } from './messages.js';

/**
 * The saga's forward steps in order. In choreography nobody sends them: each service reacts
 * to the event that the step before its own succeeded (a reply of the orchestrated style,
 * `inventory.reserve.done`, is the event "stock reserved"), and the first to the order placed.
 */
export const FORWARD_STEPS: readonly Command[] = [
  Command.createOrder,
  Command.reserveStock,
  Command.chargePayment,
  Command.scheduleShipment,
  Command.notifyCustomer,
];

/** The commands the last step's success triggers: the order is confirmed, the stock sold. */
const ON_COMPLETED: readonly Command[] = [Command.confirmOrder, Command.commitStock];

/** One subscription: on hearing `on`, `service` does `does` in its own transaction. */
interface Reaction {
  readonly on: string;
  readonly service: ServiceName;
  readonly does: Command;
}

/** The event that triggers forward step `i`. */
function triggerOf(i: number): string {
  return i === 0 ? PLACE_ORDER : replyType(FORWARD_STEPS[i - 1]!, true);
}

/**
 * Every subscription of the choreographed saga. The failure of a step is an event on the
 * error topic. With the services as compensators, each service undoes its own step when the
 * step after it failed, or was undone: the compensations run down the chain in reverse order
 * with nobody directing them. With the janitor, only the janitor hears failures, and it sends
 * the compensations one at a time.
 */
function reactions(compensator: Compensator): readonly Reaction[] {
  const all: Reaction[] = FORWARD_STEPS.map((does, i) => ({ on: triggerOf(i), service: serviceOf(does), does }));
  const completed = replyType(Command.notifyCustomer, true);
  for (const does of ON_COMPLETED) all.push({ on: completed, service: serviceOf(does), does });
  if (compensator === 'services')
    FORWARD_STEPS.forEach((step, j) => {
      const undo = UNDO.get(step);
      const next = FORWARD_STEPS[j + 1];
      if (undo === undefined || next === undefined) return;
      all.push({ on: replyType(next, false), service: serviceOf(undo), does: undo });
      const undoNext = UNDO.get(next);
      if (undoNext !== undefined) all.push({ on: replyType(undoNext, true), service: serviceOf(undo), does: undo });
    });
  return all;
}

const REACTIONS: Readonly<Record<Compensator, readonly Reaction[]>> = { janitor: reactions('janitor'), services: reactions('services') };

/** What `service` does on each event it subscribes to. */
export function reactionsOf(service: ServiceName, compensator: Compensator): ReadonlyMap<string, Command> {
  return new Map(REACTIONS[compensator].filter((r) => r.service === service).map((r) => [r.on, r.does]));
}

/** Who hears an event a service publishes: the services that react to it, then the projection and the janitor, which hear every event. */
export function subscribersOf(event: string, compensator: Compensator): ComponentName[] {
  return [...REACTIONS[compensator].filter((r) => r.on === event).map((r) => r.service), 'projection', 'janitor'];
}

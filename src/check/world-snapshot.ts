import type { ComponentName, Style } from '../protocol/index.js';
import type { DeadLetterKind, SagaStatus } from '../orchestrator/index.js';
import type { Channel, ChargeStatus, OrderStatus, ReservationStatus, ShipmentStatus } from '../services/index.js';

export interface StockRow {
  readonly sku: string;
  readonly initial: number;
  readonly available: number;
  readonly reserved: number;
  readonly sold: number;
}

/**
 * Everything the checker looks at, read from the seven databases and the broker. Plain data,
 * so a test can hand-make a broken world and see each invariant fail.
 */
export interface WorldSnapshot {
  /** How the world was coordinated (orchestration, unless said): an invariant about the order of compensations has nothing to judge in two-phase commit. */
  readonly style?: Style;
  readonly sagas: ReadonlyArray<{
    readonly id: string;
    readonly orderId: string;
    readonly status: SagaStatus;
    /** What the order costs. */
    readonly amountCents: number;
    /** Who approved the order, if anyone did. */
    readonly approvedBy: string | null;
    readonly startedTick: number;
    readonly endedTick: number | null;
  }>;
  /** Dead letters still waiting for a person (open, or a redrive asked for and not yet started). */
  readonly sagaDeadLetters: ReadonlyArray<{
    readonly sagaId: string;
    readonly kind: DeadLetterKind;
    readonly step: number;
    readonly command: string;
  }>;
  /** Compensations a person redrove (each with a fresh attempt budget) or did by hand (resolved). */
  readonly sagaActedOn: ReadonlyArray<{ readonly sagaId: string; readonly command: string; readonly state: string }>;
  /** Each order's last change is at `tick` (a cancelled order: when it was cancelled). */
  readonly orders: ReadonlyArray<{
    readonly orderId: string;
    readonly sagaId: string;
    readonly status: OrderStatus;
    readonly tick: number;
  }>;
  /** Units ordered per SKU, and cents per customer, over every order. */
  readonly demand: ReadonlyArray<{ readonly sku: string; readonly units: number }>;
  readonly spend: ReadonlyArray<{ readonly customer: string; readonly cents: number }>;
  readonly stock: readonly StockRow[];
  readonly reservations: ReadonlyArray<{
    readonly sagaId: string;
    readonly sku: string;
    readonly qty: number;
    readonly status: ReservationStatus;
    /** Its last change (a released reservation: when it was released). */
    readonly tick: number;
  }>;
  readonly accounts: ReadonlyArray<{ readonly customer: string; readonly initialCents: number; readonly balanceCents: number }>;
  readonly charges: ReadonlyArray<{
    readonly id: string;
    readonly sagaId: string;
    readonly customer: string;
    readonly amountCents: number;
    readonly status: ChargeStatus;
    /** When it was written. */
    readonly tick: number;
  }>;
  readonly refunds: ReadonlyArray<{
    readonly id: string;
    readonly sagaId: string;
    readonly chargeId: string | null;
    readonly amountCents: number;
    readonly tick: number;
  }>;
  readonly shipments: ReadonlyArray<{ readonly sagaId: string; readonly status: ShipmentStatus; readonly tick: number }>;
  /** Each (saga, command) a service received more often than the saga's least patient policy allows, with how many distinct messages (from the inboxes). */
  readonly commandsSent: ReadonlyArray<{ readonly sagaId: string; readonly type: string; readonly messages: number }>;
  readonly notifications: ReadonlyArray<{ readonly sagaId: string; readonly channel: Channel }>;
  readonly broker: {
    /** Messages not yet acked, per queue. */
    readonly depths: Readonly<Record<ComponentName, number>>;
    /** What was parked, and after how many hand-overs to its consumer. */
    readonly deadLetters: ReadonlyArray<{
      readonly type: string;
      readonly msgId: string;
      readonly sagaId: string;
      readonly attempts: number;
      /** Why its consumer refused it outright, if it did (then it is not a matter of deliveries). */
      readonly refused?: string;
      /** A saga's compensation parked for a person (in choreography the broker's dead-letter queue is where they wait): its saga's dead letter. */
      readonly handsOver?: true;
    }>;
    /** The hand-overs the broker allows before it parks a message. */
    readonly maxDeliveries: number;
    /** Outbox rows never confirmed by the broker, per component. */
    readonly unsent: Readonly<Partial<Record<ComponentName, number>>>;
  };
  /** The first moment stock was found out of balance during the run, checked after every tick; null if never. */
  readonly stockViolationDuringRun: string | null;
  /** How often each saga's watcher sent again what should have moved it on: the janitor's nudges in choreography, the coordinator's resent decisions in two-phase commit. */
  readonly nudges: ReadonlyArray<{ readonly sagaId: string; readonly nudges: number }>;
  /** Sagas the reconciler's sweeps found stuck (no progress for longer than its SLA, their own timer lost), each once. */
  readonly stuckSagas: ReadonlyArray<{ readonly sagaId: string }>;
  /** Restarts that forgot their timers on purpose (a fault): the one way a saga gets stuck with every defence on. */
  readonly timersForgotten: number;
  /** Orders of this many cents or more may not be charged without a person's approval. */
  readonly approvalThresholdCents: number;
  /** Dead letters the scenario causes on purpose (a poison message); more than this is a failure. */
  readonly toleratedDeadLetters: number;
  /** Faults the run injected (network, refusals, kills): none means nothing but the workload stood in any saga's way. */
  readonly faultsInjected: number;
  /** How many orders the client placed: each must have started a saga. */
  readonly ordersPlaced: number;
  /** Whether the run reached its calm phase and went idle. */
  readonly settled: boolean;
  /** What was still pending when the run stopped without settling. */
  readonly pending: readonly string[];
}

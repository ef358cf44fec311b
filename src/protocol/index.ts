export {
  CLIENT_ID_PREFIX,
  COMPENSATORS,
  COMPONENTS,
  ENTRY_QUEUE,
  MESSAGE_ID_PREFIX,
  SERVICES,
  STYLE_COMPONENTS,
  STYLES,
  type ComponentName,
  type Compensator,
  type ServiceName,
  type Style,
} from './components.js';
export { FORWARD_STEPS, reactionsOf, subscribersOf } from './choreography.js';
export { ABORTS, ASK_DECISION, bitsSet, DECISION_MESSAGES, isDecision, PARTICIPANTS, type Participant } from './two-phase.js';
export {
  Command,
  COMPENSATIONS,
  PLACE_ORDER,
  Reconcile,
  UNDO,
  OPERATOR_ID_PREFIX,
  OperatorAction,
  parseReplyType,
  replyType,
  sagaIdFor,
  serviceOf,
  type DeadLetterBody,
  type OperatorBody,
  type OrderPayload,
  type ReplyBody,
  type SweepAnswer,
  type SweepBody,
} from './messages.js';
export { describeSagaEvent, sagaEventsOf, serviceFactsOf, type SagaStepEvent, type ServiceFact } from './saga-events.js';
export { newestVersion, readsAtRelease, upcastBody } from './schemas.js';
export { isTerminal, SagaStatus } from './saga-status.js';

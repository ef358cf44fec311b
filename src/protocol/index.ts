export { CLIENT_ID_PREFIX, COMPONENTS, MESSAGE_ID_PREFIX, SERVICES, type ComponentName, type ServiceName } from './components.js';
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
export { newestVersion, upcastBody } from './schemas.js';

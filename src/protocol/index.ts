export { CLIENT_ID_PREFIX, COMPONENTS, MESSAGE_ID_PREFIX, type ComponentName } from './components.js';
export {
  Command,
  COMPENSATIONS,
  PLACE_ORDER,
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
} from './messages.js';
export { describeSagaEvent, sagaEventsOf, serviceFactsOf, type SagaStepEvent, type ServiceFact } from './saga-events.js';

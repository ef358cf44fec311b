export {
  actOnDeadLetter,
  Broker,
  DEFAULT_BROKER_OPTIONS,
  enqueueInImage,
  type BrokerImage,
  type DeadLetter,
  type DeadLetterResolution,
} from './broker.js';
export { NO_FAULTS, type DeliveryContext, type DeliveryFault, type FaultPlan, type PublishFault } from './fault-plan.js';
export { type BrokerStats, type Message } from './message.js';

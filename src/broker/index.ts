export { Broker, DEFAULT_BROKER_OPTIONS, type BrokerImage } from './broker.js';
export { NO_FAULTS, type DeliveryContext, type DeliveryFault, type FaultPlan, type PublishFault } from './fault-plan.js';
export { type BrokerStats, type Message } from './message.js';

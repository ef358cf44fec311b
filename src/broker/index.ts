export { Broker, DEFAULT_BROKER_OPTIONS, type BrokerOptions, type DeadLetter } from './broker.js';
export { NO_FAULTS, type DeliveryContext, type DeliveryFault, type FaultPlan, type PublishFault } from './fault-plan.js';
export { emptyBrokerStats, type BrokerStats, type Delivery, type Message } from './message.js';

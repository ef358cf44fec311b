export { Broker, DEFAULT_BROKER_OPTIONS, type BrokerOptions, type DeadLetter } from './broker.js';
export { NO_FAULTS, type DeliveryFault, type FaultPlan, type PublishFault } from './fault-plan.js';
export { QUEUES, emptyBrokerStats, type BrokerStats, type Delivery, type Message, type QueueName } from './message.js';

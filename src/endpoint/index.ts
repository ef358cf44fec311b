export {
  AfterCommitFailure,
  ComponentDied,
  Endpoint,
  NO_COMMAND_FAULTS,
  NO_TRANSACTION_CRASHES,
  UnreadableMessage,
  type TransactionCrashes,
  type CommandFault,
  type CommandFaults,
  type Component,
  type EndpointContext,
  type EndpointImage,
} from './endpoint.js';
export { ENDPOINT_MIGRATION, ENDPOINT_SNAPSHOT, type EndpointTables } from './endpoint-tables.js';
export type { ComponentDefinition, HandleOutcome, Handler, HandlerEnv, HandlerTx } from './handler.js';

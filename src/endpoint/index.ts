export {
  AfterCommitFailure,
  Endpoint,
  NO_COMMAND_FAULTS,
  type CommandFault,
  type CommandFaults,
  type Component,
  type EndpointContext,
} from './endpoint.js';
export { ENDPOINT_MIGRATION, ENDPOINT_SNAPSHOT, type EndpointTables } from './endpoint-tables.js';
export type { ComponentDefinition, HandleOutcome, Handler, HandlerEnv, HandlerTx } from './handler.js';

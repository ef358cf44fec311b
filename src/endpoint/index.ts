export { Endpoint, NO_COMMAND_FAULTS, type CommandFaults, type Component, type EndpointContext } from './endpoint.js';
export { ENDPOINT_MIGRATION, type EndpointTables } from './endpoint-tables.js';
export type { ComponentDefinition, HandleOutcome, Handler, HandlerEnv, HandlerTx } from './handler.js';

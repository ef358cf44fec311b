export { Endpoint, InjectedHandlerCrash, NO_COMMAND_FAULTS, type CommandFaults, type Component, type EndpointContext } from './endpoint.js';
export { ENDPOINT_MIGRATION, type EndpointTables, type InboxTable, type OutboxTable } from './endpoint-tables.js';
export type { ComponentDefinition, HandleOutcome, Handler, HandlerEnv, HandlerTx } from './handler.js';

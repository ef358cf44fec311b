export { Endpoint, InjectedHandlerCrash, NO_COMMAND_FAULTS, type CommandFaults, type Component, type EndpointContext, type HandleOutcome } from './endpoint.js';
export { ENDPOINT_MIGRATION, type EndpointTables, type InboxTable, type OutboxTable } from './endpoint-tables.js';

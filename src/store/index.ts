export { openDatabase, type Database, type StorageLocation } from './database.js';
export { makeFolders, nearestExisting } from './folders.js';
export { logTransactionEnd, startStatementLog, stopStatementLog, type StatementLog } from './statement-log.js';
export { migrate, type Migration } from './migrate.js';
export { Prepared, arg, type SqlValue } from './prepared.js';
export { queryBuilder } from './query-builder.js';

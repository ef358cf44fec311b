import { UserError } from '../kernel/index.js';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ENDPOINT_MIGRATION } from '../endpoint/index.js';
import { STYLE_COMPONENTS, type ComponentName } from '../protocol/index.js';
import { coordinationOf, heldBy, readRunInfo, type RunInfo } from '../scenario/index.js';
import { migrate, type Database } from '../store/index.js';
import { componentDefinitions } from '../world/index.js';

/** A run directory that cannot be read as one: the message says what is wrong and what to do. */
export class BadRunError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'BadRunError';
  }
}

/** A run directory opened for reading: what it was (`run.json`) and each component's database, read-only. */
export interface OpenRun {
  readonly dir: string;
  readonly info: RunInfo;
  readonly dbs: Readonly<Partial<Record<ComponentName, Database>>>;
  close(): void;
}

/**
 * Opens a run directory for an operator to read, or throws a BadRunError before anything is
 * read: not a run, still held by a live process, a database missing, locked, corrupt, or
 * made by a build with another schema. Nothing on disk changes.
 */
export function openRun(dir: string): OpenRun {
  if (!existsSync(dir)) throw new BadRunError(`There is no run directory at ${dir}; 'saga runs' lists the runs.`);
  if (!statSync(dir).isDirectory()) throw new BadRunError(`${dir} is a file, not a run directory; 'saga runs' lists the runs.`);
  const info = readRunInfo(dir);
  if (!info) throw new BadRunError(`${dir} is not a run directory: it has no readable run.json; 'saga runs' lists the runs.`);
  const pid = heldBy(dir);
  if (pid !== null) throw new BadRunError(`${dir} is still being run by process ${pid}; wait for it to end, or stop it with Ctrl-C.`);
  const opened: Partial<Record<ComponentName, Database>> = {};
  const close = (): void => Object.values(opened).forEach((db) => db.close());
  try {
    const how = coordinationOf(info.recipe);
    const definitions = componentDefinitions(undefined, undefined, how);
    for (const name of STYLE_COMPONENTS[how.style]) {
      const path = join(dir, `${name}.db`);
      if (!existsSync(path)) throw new BadRunError(`${dir} has no ${name}.db: the run directory is incomplete.`);
      // Read-write, yet query_only: a read-only connection to a WAL database leaves its -wal and -shm files behind; this one removes them as it closes.
      if (!statSync(path).isFile()) throw new BadRunError(`${path} is not a database file; the run directory is damaged.`);
      let db: Database;
      try {
        db = new BetterSqlite3(path, { fileMustExist: true, timeout: 1000 });
        db.pragma('query_only = true');
      } catch (error) {
        throw new BadRunError(`${path} cannot be opened (${(error as Error).message}); the run directory is damaged.`);
      }
      opened[name] = db;
      const schema = schemaOf(db, path);
      if (schema === '[]') throw new BadRunError(`${path} is empty: the run never got as far as making its tables.`);
      if (schema !== expectedSchema(`${how.style} ${name}`, [ENDPOINT_MIGRATION, ...definitions[name]!.migrations]))
        throw new BadRunError(
          `${path} has another schema than this build's (the run was made by build ${info.build}); inspect it with the build that made it.`,
        );
    }
  } catch (error) {
    close();
    throw error;
  }
  return { dir, info, dbs: opened, close };
}

/** The schema of a database as SQLite keeps it: every table and index, by name. */
function schemaOf(db: Database, path: string): string {
  try {
    const rows = db.prepare('select type, name, sql from sqlite_master where sql is not null order by name').all();
    return JSON.stringify(rows);
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
      throw new BadRunError(`${path} is locked by another process; try again once it lets go.`);
    throw new BadRunError(`${path} is not a readable SQLite database (${(error as Error).message}); it cannot be inspected.`);
  }
}

/** By style and component: a service of a two-phase commit keeps one more table (what it holds in doubt). */
const expected = new Map<string, string>();

/** The schema this build gives a fresh database of the component, in a style (`2pc order`). */
function expectedSchema(key: string, migrations: Parameters<typeof migrate>[1]): string {
  let schema = expected.get(key);
  if (schema === undefined) {
    const db = new BetterSqlite3(':memory:');
    migrate(db, migrations);
    schema = schemaOf(db, ':memory:');
    db.close();
    expected.set(key, schema);
  }
  return schema;
}

/** The orchestrator's database of an orchestrated run; the operator's commands read and act on its sagas. */
export function orchestratorOf(run: Pick<OpenRun, 'dbs'> & Partial<Pick<OpenRun, 'dir'>>): Database {
  const db = run.dbs.orchestrator;
  if (!db)
    throw new BadRunError(
      run.dbs.coordinator
        ? `${run.dir ?? 'This'} is a two-phase commit run: it has no orchestrator whose sagas this command reads; 'saga sagas' lists its transactions from the coordinator's log.`
        : `${run.dir ?? 'This'} is a choreographed run: it has no orchestrator whose sagas this command reads; 'saga sagas' lists its sagas from its read model.`,
    );
  return db;
}

import { COMPONENTS, type ComponentName } from '../protocol/index.js';
import type { TraceEvent } from '../kernel/index.js';
import type { Database } from '../store/index.js';
import type { OpenDatabases } from '../world/index.js';

/** A row as SQLite gave it. */
export type Row = Readonly<Record<string, unknown>>;

/** One row a component wrote for a saga: added, changed (before and after) or removed. */
export interface RowChange {
  readonly component: ComponentName;
  readonly table: string;
  readonly op: 'insert' | 'update' | 'delete';
  readonly before?: Row;
  readonly after?: Row;
  /** A row every saga shares (a SKU's stock, a customer's account): other sagas change it too. */
  readonly shared?: true;
}

/** The events after which a component may have committed rows of a saga: a handled message (a duplicate known by its business key still writes its inbox row and its reply), a timer's transition, a dead letter, a person's act. */
const WRITES = new Set<TraceEvent['kind']>(['handle', 'skip', 'saga', 'dead-letter', 'operator']);

/** The relay deletes outbox rows later, without an event of the saga: only what a handler added to it is news. */
const APPEND_ONLY = new Set(['outbox']);

/** Columns that tie a saga's rows to a shared row (a SKU's stock, a customer's account); ids and sequence numbers tie nothing. */
const NOT_LINKS = new Set(['id', 'seq', 'saga_id', 'message_id', 'order_id']);

/** Where a component keeps rows: the tables that name a saga, and the shared ones its rows point at by their key. */
interface Layout {
  readonly own: ReadonlyArray<{ readonly table: string; readonly column: string }>;
  readonly shared: ReadonlyArray<{ readonly table: string; readonly key: string }>;
}

/**
 * Reads, after each event that may have written them, the rows one component holds for one
 * saga, and says what changed since it last read them: the rows a handler committed, step
 * by step. It only reads (no write, no open of a closed database), so the run and its digest
 * are the same with it or without it; a component a crash has closed is read again at its
 * next event.
 */
export class RowWatch {
  private readonly seen = new Map<string, Map<string, string>>();
  private readonly layouts = new Map<ComponentName, Layout>();
  /** Each query prepared once per database (a crash and restart of a file run opens another). */
  private readonly statements = new WeakMap<Database, Map<string, ReturnType<Database['prepare']>>>();
  private readonly shared = new Map<ComponentName, Map<string, string>>();
  private primed = false;

  /** What `event` committed for its saga, or an empty list. */
  changesAt(event: TraceEvent, databases: OpenDatabases): RowChange[] {
    if (!this.primed) {
      // Before the run's first handler commits: each shared row as it began (the stock a reservation takes from).
      this.primed = true;
      for (const component of COMPONENTS) {
        const db = databases(component);
        if (db) this.sharedOf(db, component, this.layoutOf(db, component));
      }
    }
    if (!event.sagaId || !WRITES.has(event.kind)) return [];
    const component = COMPONENTS.find((c) => c === event.actor);
    if (!component) return [];
    const db = databases(component);
    if (!db) return [];
    const key = `${component} ${event.sagaId}`;
    const layout = this.layoutOf(db, component);
    const shared = this.sharedOf(db, component, layout);
    const before = this.seen.get(key) ?? new Map<string, string>();
    const { own: now, linked } = this.read(db, layout, event.sagaId);
    this.seen.set(key, now);
    const changes: RowChange[] = [];
    // A shared row (a SKU's stock, an account) was last read after whichever saga's event wrote it before.
    for (const [id, json] of linked) {
      const old = shared.get(id);
      if (old === json) continue;
      shared.set(id, json);
      const after = JSON.parse(json) as Row;
      if (old === undefined) changes.push({ component, table: tableOf(id), op: 'insert', after, shared: true });
      else changes.push({ component, table: tableOf(id), op: 'update', before: JSON.parse(old) as Row, after, shared: true });
    }
    for (const [id, json] of now) {
      const old = before.get(id);
      if (old === json) continue;
      const after = JSON.parse(json) as Row;
      if (old === undefined) changes.push({ component, table: tableOf(id), op: 'insert', after });
      else changes.push({ component, table: tableOf(id), op: 'update', before: JSON.parse(old) as Row, after });
    }
    for (const [id, json] of before)
      if (!now.has(id) && !APPEND_ONLY.has(tableOf(id)))
        changes.push({ component, table: tableOf(id), op: 'delete', before: JSON.parse(json) as Row });
    return changes;
  }

  /** The saga's rows in the component's tables, and the shared rows they point at, each keyed by table and the row's first column (its key), as JSON. */
  private read(db: Database, layout: Layout, sagaId: string): { own: Map<string, string>; linked: Map<string, string> } {
    const own = new Map<string, string>();
    const linked = new Map<string, string>();
    const links = new Map<string, Set<unknown>>();
    for (const { table, column } of layout.own) {
      for (const row of this.statement(db, `select * from "${table}" where "${column}" = ? order by 1`).all(sagaId) as Row[]) {
        own.set(keyOf(table, row), JSON.stringify(row));
        for (const [name, value] of Object.entries(row)) {
          if (NOT_LINKS.has(name)) continue;
          const values = links.get(name) ?? new Set();
          links.set(name, values.add(value));
        }
      }
    }
    for (const { table, key } of layout.shared)
      for (const value of links.get(key) ?? [])
        for (const row of this.statement(db, `select * from "${table}" where "${key}" = ?`).all(value as string | number) as Row[])
          linked.set(keyOf(table, row), JSON.stringify(row));
    return { own, linked };
  }

  /** The component's shared rows as last read; the first time, all of them (a few SKUs or customers). */
  private sharedOf(db: Database, component: ComponentName, layout: Layout): Map<string, string> {
    let rows = this.shared.get(component);
    if (!rows) {
      rows = new Map();
      for (const { table } of layout.shared)
        for (const row of db.prepare(`select * from "${table}" order by 1`).all() as Row[])
          rows.set(keyOf(table, row), JSON.stringify(row));
      this.shared.set(component, rows);
    }
    return rows;
  }

  private statement(db: Database, sql: string): ReturnType<Database['prepare']> {
    let cache = this.statements.get(db);
    if (!cache) this.statements.set(db, (cache = new Map()));
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = db.prepare(sql)));
    return statement;
  }

  private layoutOf(db: Database, component: ComponentName): Layout {
    let layout = this.layouts.get(component);
    if (!layout) {
      const own: Array<Layout['own'][number]> = component === 'orchestrator' ? [{ table: 'sagas', column: 'id' }] : [];
      const shared: Array<Layout['shared'][number]> = [];
      const tables = db.prepare("select name from sqlite_master where type = 'table' order by name").all() as Array<{ name: string }>;
      for (const { name } of tables) {
        if (name.startsWith('sqlite_') || (component === 'orchestrator' && name === 'sagas')) continue;
        const columns = db.prepare(`pragma table_info("${name}")`).all() as Array<{ name: string; pk: number }>;
        const keys = columns.filter((c) => c.pk > 0);
        if (columns.some((c) => c.name === 'saga_id')) own.push({ table: name, column: 'saga_id' });
        else if (keys.length === 1 && !NOT_LINKS.has(keys[0]!.name)) shared.push({ table: name, key: keys[0]!.name });
      }
      this.layouts.set(component, (layout = { own, shared }));
    }
    return layout;
  }
}

function keyOf(table: string, row: Row): string {
  return `${table} ${String(Object.values(row)[0])}`;
}

function tableOf(id: string): string {
  return id.slice(0, id.indexOf(' '));
}

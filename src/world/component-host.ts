import type { ComponentName } from '../protocol/index.js';
import type { Component, EndpointImage } from '../endpoint/index.js';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase, type Database, type StorageLocation } from '../store/index.js';

/**
 * Each component's empty in-memory database, schema and all, serialized the first time one
 * is built: later runs in this process open a copy instead of running the migrations again
 * (a fuzz sweep builds thousands of worlds).
 */
const emptyMemoryDatabases = new Map<ComponentName, Buffer>();

/**
 * Keeps one component's database and, while the component is up, its in-memory object.
 * A crash drops the object (and with it every cache, timer and pending ack); the database
 * stays. Files are closed and reopened; an in-memory database is its own disk, so its
 * handle is kept.
 */
export class ComponentHost {
  private endpoint: Component | null = null;
  private db: Database | null = null;
  /** Deliveries handled this tick, acked in the ack phase; a crash forgets them. */
  acks: number[] = [];

  constructor(
    readonly name: ComponentName,
    private readonly location: StorageLocation,
    private readonly build: (db: Database, release: number, from?: EndpointImage, forgetsTimers?: boolean) => Component,
    /** The release of its code it runs (1, the first, unless a deploy brought another): a restart keeps it. */
    public release = 1,
    /** The release a deploy put in place while it is down: its next start, whichever restarts it, runs that. */
    public deploying: number | null = null,
  ) {}

  get up(): boolean {
    return this.endpoint !== null;
  }

  /** The running component; only call while it is up. */
  get instance(): Component {
    if (!this.endpoint) throw new Error(`${this.name} is down`);
    return this.endpoint;
  }

  /** The database as it stands, without opening it: null while a crash has closed it (a file run). */
  openDatabase(): Database | null {
    return this.db;
  }

  /** The database, opening it if a crash closed it. */
  database(): Database {
    if (!this.db) {
      const empty = this.location.kind === 'memory' ? emptyMemoryDatabases.get(this.name) : undefined;
      this.db = empty ? new BetterSqlite3(empty) : openDatabase(this.location);
    }
    return this.db;
  }

  /**
   * Builds the component on its database: from nothing but the database after a crash (a
   * start-up that `forgetsTimers` skips its recovery), or with the memory it had when a world stopped.
   */
  start(from?: EndpointImage, forgetsTimers = false): void {
    const fresh = this.db === null;
    if (this.deploying !== null) [this.release, this.deploying] = [this.deploying, null];
    this.endpoint = this.build(this.database(), this.release, from, forgetsTimers);
    // Right after the first build the database holds its schema and nothing else.
    if (fresh && this.location.kind === 'memory' && !emptyMemoryDatabases.has(this.name))
      emptyMemoryDatabases.set(this.name, this.database().serialize());
  }

  kill(): void {
    this.endpoint = null;
    this.acks = [];
    if (this.location.kind === 'file') {
      this.db?.close();
      this.db = null;
    }
  }

  close(): void {
    this.endpoint = null;
    this.db?.close();
    this.db = null;
  }
}

import BetterSqlite3 from 'better-sqlite3';
import {
  AfterCommitFailure,
  Endpoint,
  type ComponentDefinition,
  type Handler,
  type HandlerEnv,
  type HandlerTx,
} from '../../src/endpoint/index.js';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/broker/index.js';
import { ORDER_SERVICE, seedCustomers } from '../../src/services/index.js';
import { drainOutbox, message, PAYLOAD, testContext } from '../helpers.js';

describe('outbox relay', () => {
  it('keeps a row the broker did not confirm and publishes it again next time', () => {
    const db = new BetterSqlite3(':memory:');
    const service = new Endpoint(ORDER_SERVICE, db, testContext());
    seedCustomers(db, [{ customer: PAYLOAD.customer }]);
    service.handle(message('order', 'order.create'));
    const seen: Message[] = [];
    service.relayPublish((m) => (seen.push(m), false));
    service.relayConfirm();
    expect(service.relayPending).toBe(true);
    service.relayPublish((m) => (seen.push(m), true));
    service.relayConfirm();
    expect(service.relayPending).toBe(false);
    expect(seen.map((m) => m.id)).toEqual([seen[0]!.id, seen[0]!.id]);
  });

  it('after a crash between publish and confirm, the restarted relay publishes the same message (same id) again', () => {
    const db = new BetterSqlite3(':memory:');
    const before = new Endpoint(ORDER_SERVICE, db, testContext());
    seedCustomers(db, [{ customer: PAYLOAD.customer }]);
    before.handle(message('order', 'order.create'));
    const first: Message[] = [];
    before.relayPublish((m) => (first.push(m), true));
    // Crash: the confirmation was only in memory.
    const after = new Endpoint(ORDER_SERVICE, db, testContext());
    const again: Message[] = [];
    after.relayPublish((m) => (again.push(m), true));
    after.relayConfirm();
    expect(again).toEqual(first);
    expect(outboxRows(db)).toBe(0);
  });

  it('stops at a row the broker refused: nothing after it is confirmed past it, and a restart publishes both, in order', () => {
    const db = new BetterSqlite3(':memory:');
    const twoSends: ComponentDefinition = {
      name: 'orchestrator',
      migrations: [],
      createHandler: () => ({
        handle: (tx, m) => {
          tx.send('inventory', 'inventory.commit', m.sagaId, '{}');
          tx.send('order', 'order.confirm', m.sagaId, '{}');
        },
      }),
    };
    const before = new Endpoint(twoSends, db, testContext());
    before.handle(message('orchestrator', 'notification.send.done'));
    const offered: string[] = [];
    // The broker loses the first publish and would take the second.
    before.relayPublish((m) => (offered.push(m.type), m.type !== 'inventory.commit'));
    before.relayConfirm();
    expect(offered).toEqual(['inventory.commit']);
    expect(outboxRows(db)).toBe(2);
    // Crash before the next turn of the relay: what was not confirmed is still in the outbox.
    const after = new Endpoint(twoSends, db, testContext());
    const again: string[] = [];
    after.relayPublish((m) => (again.push(m.type), true));
    expect(again).toEqual(['inventory.commit', 'order.confirm']);
  });

  it('deletes every row the broker confirmed, message after message, even once the table was empty', () => {
    const db = new BetterSqlite3(':memory:');
    const service = new Endpoint(ORDER_SERVICE, db, testContext());
    seedCustomers(db, [{ customer: PAYLOAD.customer }]);
    for (let i = 0; i < 3; i++) {
      service.handle(message('order', 'order.create', `saga-${i}`));
      service.relayPublish(() => true);
      service.relayConfirm();
      expect(outboxRows(db)).toBe(0);
    }
  });
});

function outboxRows(db: BetterSqlite3.Database): number {
  return (db.prepare('select count(*) n from outbox').get() as { n: number }).n;
}

describe('the endpoint’s transaction', () => {
  const definition = (handle: Handler['handle'], onStart?: (env: HandlerEnv) => void): ComponentDefinition => ({
    name: 'order',
    migrations: [],
    createHandler: (_db, env) => {
      onStart?.(env);
      return { handle };
    },
  });

  it('refuses a handler that keeps its tx and uses it after the transaction ended', () => {
    let kept: HandlerTx | null = null;
    const endpoint = new Endpoint(
      definition((tx) => void (kept = tx)),
      new BetterSqlite3(':memory:'),
      testContext(),
    );
    endpoint.handle(message('order', 'order.create'));
    expect(() => kept!.send('orchestrator', 'x', 's', '{}')).toThrow(/after it ended/);
  });

  it('refuses a transaction opened inside another', () => {
    let env: HandlerEnv | null = null;
    const endpoint = new Endpoint(
      definition(
        () => env!.transact(() => undefined),
        (e) => (env = e),
      ),
      new BetterSqlite3(':memory:'),
      testContext(),
    );
    expect(() => endpoint.handle(message('order', 'order.create'))).toThrow(/inside another/);
  });

  it('a failure after the commit is reported as such, and the next transaction starts clean', () => {
    let fail = true;
    const endpoint = new Endpoint(
      definition((tx) => {
        tx.send('orchestrator', 'order.create.done', 'saga-1', '{}');
        tx.afterCommit(() => {
          if (fail) throw new Error('cache update failed');
        });
      }),
      new BetterSqlite3(':memory:'),
      testContext(),
    );
    expect(() => endpoint.handle(message('order', 'order.create'))).toThrow(AfterCommitFailure);
    fail = false;
    endpoint.handle(message('order', 'order.create'));
    // Both commits stand; the relay holds both replies, nothing from the failed callback leaked.
    expect(drainOutbox(endpoint).map((m) => m.type)).toEqual(['order.create.done', 'order.create.done']);
  });
});

import BetterSqlite3 from 'better-sqlite3';
import { Endpoint } from '../../src/endpoint/index.js';
import { describe, expect, it } from 'vitest';
import { INVENTORY_SERVICE, seedStock } from '../../src/services/index.js';
import { drainOutbox, message, PAYLOAD, testContext } from '../helpers.js';

function setup(units = 10) {
  const db = new BetterSqlite3(':memory:');
  const service = new Endpoint(INVENTORY_SERVICE, db, testContext());
  seedStock(db, [{ sku: PAYLOAD.sku, units }]);
  const stock = () =>
    db.prepare('select available, reserved, sold from stock').get() as { available: number; reserved: number; sold: number };
  return { db, service, stock };
}

describe('inventory service', () => {
  it('reserves, then commits the reservation as sold', () => {
    const { service, stock } = setup();
    service.handle(message('inventory', 'inventory.reserve'));
    expect(stock()).toEqual({ available: 8, reserved: 2, sold: 0 });
    service.handle(message('inventory', 'inventory.commit'));
    expect(stock()).toEqual({ available: 8, reserved: 0, sold: 2 });
  });

  it('reserves the last units exactly (no under-selling), and refuses one more', () => {
    const { service, stock } = setup(PAYLOAD.qty);
    service.handle(message('inventory', 'inventory.reserve', 'saga-a'));
    expect(stock()).toEqual({ available: 0, reserved: PAYLOAD.qty, sold: 0 });
    service.handle(message('inventory', 'inventory.reserve', 'saga-b'));
    expect(stock()).toEqual({ available: 0, reserved: PAYLOAD.qty, sold: 0 });
    expect(drainOutbox(service).map((m) => m.type)).toEqual(['inventory.reserve.done', 'inventory.reserve.failed']);
  });

  it('a redelivered and a re-sent reserve each reserve once', () => {
    const { service, stock } = setup();
    const m = message('inventory', 'inventory.reserve');
    service.handle(m);
    expect(service.handle(m)).toBe('duplicate');
    expect(service.handle(message('inventory', 'inventory.reserve'))).toBe('duplicate');
    expect(stock()).toEqual({ available: 8, reserved: 2, sold: 0 });
  });

  it('refuses to reserve more than is available (the semantic lock)', () => {
    const { service, stock } = setup(3);
    service.handle(message('inventory', 'inventory.reserve', 'saga-1'));
    service.handle(message('inventory', 'inventory.reserve', 'saga-2'));
    expect(stock()).toEqual({ available: 1, reserved: 2, sold: 0 });
    expect(drainOutbox(service).map((m) => m.type)).toEqual(['inventory.reserve.done', 'inventory.reserve.failed']);
  });

  it('releases once, and a release before the reserve blocks the late reserve', () => {
    const { service, stock } = setup();
    service.handle(message('inventory', 'inventory.reserve', 'saga-1'));
    service.handle(message('inventory', 'inventory.release', 'saga-1'));
    service.handle(message('inventory', 'inventory.release', 'saga-1'));
    expect(stock()).toEqual({ available: 10, reserved: 0, sold: 0 });
    service.handle(message('inventory', 'inventory.release', 'saga-2'));
    service.handle(message('inventory', 'inventory.reserve', 'saga-2'));
    expect(stock()).toEqual({ available: 10, reserved: 0, sold: 0 });
  });
});

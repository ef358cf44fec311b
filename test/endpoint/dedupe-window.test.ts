import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Endpoint } from '../../src/endpoint/index.js';
import { ORDER_SERVICE, seedCustomers } from '../../src/services/index.js';
import { message, PAYLOAD, testContext } from '../helpers.js';

const WINDOW = 100;

/** The order service behind an endpoint whose inbox remembers ids for `window` ticks (for ever when undefined). */
function orderService(window?: number) {
  const db = new BetterSqlite3(':memory:');
  const ctx = { ...testContext(), ...(window === undefined ? {} : { dedupeWindowTicks: window }) };
  const service = new Endpoint(ORDER_SERVICE, db, ctx);
  seedCustomers(db, [{ customer: PAYLOAD.customer }]);
  const inboxRows = (): number => (db.prepare('select count(*) as n from inbox').get() as { n: number }).n;
  return { service, db, ctx, clock: ctx.clock, events: ctx.events, inboxRows };
}

describe('the inbox dedupe window', () => {
  it('skips a copy inside the window by its id, and hands one past the window to the handler, whose business key catches it', () => {
    const { service, clock, events } = orderService(WINDOW);
    const create = message('order', 'order.create');
    expect(service.handle(create)).toBe('handled');
    clock.advanceTo(WINDOW);
    expect(service.handle(create)).toBe('duplicate');
    expect(events.at(-1)?.detail).toBe('message id already in inbox');
    clock.advanceTo(WINDOW + 1);
    expect(service.handle(create)).toBe('duplicate');
    expect(events.at(-1)?.detail).toBe('already done for this saga (business key)');
    // Remembered afresh from the tick it came back: a copy right after is the inbox's again.
    clock.advanceTo(WINDOW + 2);
    service.handle(create);
    expect(events.at(-1)?.detail).toBe('message id already in inbox');
  });

  it('remembers every id for ever without a window', () => {
    const { service, clock, events } = orderService();
    const create = message('order', 'order.create');
    service.handle(create);
    clock.advanceTo(1_000_000);
    expect(service.handle(create)).toBe('duplicate');
    expect(events.at(-1)?.detail).toBe('message id already in inbox');
  });

  it('a stopped world keeps when its inbox next deletes, so a resumed run leaves the rows an unbroken one leaves', () => {
    const unbroken = orderService(WINDOW);
    const stopped = orderService(WINDOW);
    const handleAt = (s: ReturnType<typeof orderService>, service: Endpoint, tick: number): void => {
      s.clock.advanceTo(tick);
      service.handle(message('order', 'order.create', `saga-${tick}`));
    };
    for (let tick = 0; tick <= 150; tick++) for (const s of [unbroken, stopped]) handleAt(s, s.service, tick);
    const image = JSON.parse(JSON.stringify(stopped.service.image())) as ReturnType<Endpoint['image']>;
    const resumed = new Endpoint(ORDER_SERVICE, stopped.db, { ...stopped.ctx }, image);
    for (let tick = 151; tick <= 165; tick++) {
      handleAt(unbroken, unbroken.service, tick);
      handleAt(stopped, resumed, tick);
    }
    expect(stopped.inboxRows()).toBe(unbroken.inboxRows());
  });

  it('deletes the ids past the window as it goes, so the inbox holds about one window of messages', () => {
    const windowed = orderService(WINDOW);
    const forever = orderService();
    for (let tick = 0; tick < 1_000; tick++) {
      for (const s of [windowed, forever]) {
        s.clock.advanceTo(tick);
        s.service.handle(message('order', 'order.create', `saga-${tick}`));
      }
    }
    expect(forever.inboxRows()).toBe(1_000);
    // One id a tick: the window, and up to half a window more between two deletions.
    expect(windowed.inboxRows()).toBeGreaterThanOrEqual(WINDOW + 1);
    expect(windowed.inboxRows()).toBeLessThanOrEqual(WINDOW + 1 + WINDOW / 2);
  });
});

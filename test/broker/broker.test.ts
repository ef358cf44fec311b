import { describe, expect, it } from 'vitest';
import { Broker, NO_FAULTS, type FaultPlan, type Message } from '../../src/broker/index.js';
import { Trace } from '../../src/kernel/index.js';

const up = () => true;
const msg = (id: string, type = 'payment.charge'): Message => ({ id, queue: 'payment', type, sagaId: 's', body: '{}' });
const options = { visibilityTimeoutTicks: 10, maxDeliveries: 3 };
const plan = (p: Partial<FaultPlan>): FaultPlan => ({ ...NO_FAULTS, ...p });

describe('broker', () => {
  it('delivers from the next tick, in publish order, and forgets an acked delivery', () => {
    const broker = new Broker(new Trace({ keep: false }), NO_FAULTS, options);
    broker.publish(msg('a'), 0, 'test');
    broker.publish(msg('b'), 0, 'test');
    expect(broker.takeReady(0, up)).toEqual([]);
    const got = broker.takeReady(1, up);
    expect(got.map((d) => d.message.id)).toEqual(['a', 'b']);
    got.forEach((d) => broker.ack(d.token, 1));
    broker.expireUnacked(100);
    expect(broker.takeReady(101, up)).toEqual([]);
    expect(broker.stats).toMatchObject({ published: 2, delivered: 2, acked: 2, redelivered: 0 });
  });

  it('redelivers an unacked delivery after the visibility timeout, then dead-letters it', () => {
    const broker = new Broker(new Trace({ keep: false }), NO_FAULTS, options);
    broker.publish(msg('a'), 0, 'test');
    let tick = 1;
    const attempts: number[] = [];
    for (let i = 0; i < 5; i++) {
      for (const d of broker.takeReady(tick, up)) attempts.push(d.attempt);
      tick += options.visibilityTimeoutTicks;
      broker.expireUnacked(tick);
      tick++;
    }
    expect(attempts).toEqual([1, 2, 3]);
    expect(broker.deadLetters().map((d) => d.message.id)).toEqual(['a']);
    expect(broker.stats).toMatchObject({ redelivered: 2, deadLettered: 1 });
  });

  it('keeps messages for a consumer that is down, and returns a crashed consumer’s deliveries at once, without using up a try', () => {
    const broker = new Broker(new Trace({ keep: false }), NO_FAULTS, options);
    broker.publish(msg('a'), 0, 'test');
    expect(broker.takeReady(1, () => false)).toEqual([]);
    expect(broker.takeReady(1, up)).toHaveLength(1);
    broker.releaseQueue('payment', 1);
    // The crash was not the message's fault; a hand-over that expires unacked (its handler failed) does count.
    expect(broker.takeReady(2, up).map((d) => d.attempt)).toEqual([1]);
    broker.expireUnacked(2 + options.visibilityTimeoutTicks);
    expect(broker.takeReady(3 + options.visibilityTimeoutTicks, up).map((d) => d.attempt)).toEqual([2]);
  });

  it('a consumer that keeps crashing never dead-letters its batch', () => {
    const broker = new Broker(new Trace({ keep: false }), NO_FAULTS, options);
    for (const id of ['a', 'b', 'c']) broker.publish(msg(id), 0, 'test');
    for (let tick = 1; tick <= 3 * options.maxDeliveries; tick++) {
      expect(broker.takeReady(tick, up)).toHaveLength(3);
      broker.releaseQueue('payment', tick);
    }
    expect(broker.deadLetters()).toEqual([]);
  });

  it('a dropped publish is not confirmed and not queued', () => {
    const broker = new Broker(new Trace({ keep: false }), plan({ onPublish: () => ({ kind: 'drop' }) }), options);
    expect(broker.publish(msg('a'), 0, 'test')).toBe(false);
    expect(broker.takeReady(1, up)).toEqual([]);
    expect(broker.stats.dropped).toBe(1);
  });

  it('a dropped delivery comes back after the visibility timeout without using up a try', () => {
    let drop = true;
    const broker = new Broker(new Trace({ keep: false }), plan({ onDeliver: () => (drop ? { kind: 'drop' } : { kind: 'none' }) }), options);
    broker.publish(msg('a'), 0, 'test');
    expect(broker.takeReady(1, up)).toEqual([]);
    drop = false;
    broker.expireUnacked(11);
    expect(broker.takeReady(12, up).map((d) => d.attempt)).toEqual([1]);
  });

  it('duplicates, delays and reorders as the fault plan says', () => {
    let fault: ReturnType<FaultPlan['onDeliver']> = { kind: 'duplicate', copies: 2 };
    const broker = new Broker(
      new Trace({ keep: false }),
      plan({ onDeliver: () => fault, reorder: (n) => (n > 1 ? [0, n - 1] : null) }),
      options,
    );
    broker.publish(msg('a'), 0, 'test');
    expect(broker.takeReady(1, up)).toHaveLength(1);
    fault = { kind: 'none' };
    expect(broker.takeReady(2, up)).toHaveLength(2);
    fault = { kind: 'delay', ticks: 5 };
    broker.publish(msg('b'), 2, 'test');
    expect(broker.takeReady(3, up)).toEqual([]);
    fault = { kind: 'none' };
    expect(broker.takeReady(8, up).map((d) => d.message.id)).toEqual(['b']);
    broker.publish(msg('c'), 8, 'test');
    broker.publish(msg('d'), 8, 'test');
    expect(broker.takeReady(9, up).map((d) => d.message.id)).toEqual(['d', 'c']);
    // The two copies at tick 2 were a batch of two as well, so they were swapped too.
    expect(broker.stats).toMatchObject({ duplicated: 2, delayed: 1, reordered: 2 });
  });

  it('a queue that comes back newest first after a restart: ready messages reversed, held-back ones keep their time', () => {
    const broker = new Broker(new Trace({ keep: false }), NO_FAULTS, options);
    for (const id of ['a', 'b', 'c']) broker.publish(msg(id), 0, 'test');
    broker.reverseQueue('payment', 5);
    expect(broker.takeReady(5, up).map((d) => d.message.id)).toEqual(['c', 'b', 'a']);
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Scheduler, Trace } from '../../src/kernel/index.js';
import { forkRng } from '../../src/kernel/random.js';

describe('kernel', () => {
  it('a forked generator repeats for the same seed and name, and differs across names', () => {
    const a = forkRng(7, 'payment');
    const b = forkRng(7, 'payment');
    const c = forkRng(7, 'inventory');
    const draw = (r: typeof a) => Array.from({ length: 5 }, () => r.id('x'));
    expect(draw(a)).toEqual(draw(b));
    expect(draw(forkRng(7, 'payment'))).not.toEqual(draw(c));
  });

  it('fires timers in due order, ties in the order they were set, and forgets a crashed owner’s timers', () => {
    const s = new Scheduler();
    const fired: string[] = [];
    for (const owner of ['a', 'b']) s.serve(owner, (data) => fired.push(`${owner}${data.tick}`));
    s.at(5, 'a', { tick: 5 });
    s.at(3, 'b', { tick: 3 });
    s.at(5, 'b', { tick: 5 });
    s.at(4, 'a', { tick: 4 });
    s.cancelOwner('a');
    expect(s.nextDueTick()).toBe(3);
    s.fireDue(10);
    expect(fired).toEqual(['b3', 'b5']);
    expect(s.size).toBe(0);
  });

  it('the digest covers every event: one changed detail changes it', () => {
    const digest = (detail: string) => {
      const t = new Trace({ keep: false });
      t.emit({ kind: 'handle', tick: 1, actor: 'payment', detail: 'charged 100' });
      t.emit({ kind: 'ack', tick: 1, actor: 'payment', detail });
      return t.digest();
    };
    // The digest is the sha256 of exactly the printed timeline lines, so the timeline is what it proves.
    const lines = '1 handle payment charged 100\n1 ack payment x\n';
    expect(digest('x')).toBe(createHash('sha256').update(lines).digest('hex'));
    expect(digest('x')).not.toBe(digest('y'));
  });

  it('the digest is the sha256 of the timeline, line by line, however long; an image taken midway changes nothing and carries it on', () => {
    const events = Array.from({ length: 6_000 }, (_, i) => ({
      kind: 'deliver' as const,
      tick: i,
      actor: 'payment',
      type: 'payment.charge',
      msgId: `os-${i}`,
      detail: i % 7 === 0 ? `attempt ${i % 5}` : undefined,
    }));
    const lines = events.map((e) => `${e.tick} deliver payment payment.charge ${e.msgId}${e.detail ? ` ${e.detail}` : ''}\n`);
    // Long enough to be hashed in several batches.
    expect(lines.join('').length).toBeGreaterThan(3 * 65_536);
    const expected = createHash('sha256').update(lines.join('')).digest('hex');
    const whole = new Trace({ keep: true });
    const split = new Trace({ keep: true });
    for (const e of events) whole.emit(e);
    for (const e of events.slice(0, 3_333)) split.emit(e);
    const image = split.image();
    expect(image.digest).toBe(createHash('sha256').update(lines.slice(0, 3_333).join('')).digest('hex'));
    const carried = new Trace({ keep: true }, image);
    for (const e of events.slice(3_333)) carried.emit(e);
    expect(whole.digest()).toBe(expected);
    expect(carried.digest()).toBe(expected);
  });
});

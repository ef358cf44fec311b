import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/broker/index.js';
import { Endpoint, UnreadableMessage, type ComponentDefinition, type HandlerTx } from '../../src/endpoint/index.js';
import { newestVersion, upcastBody } from '../../src/protocol/index.js';
import { paymentService, seedAccounts } from '../../src/services/index.js';
import { drainOutbox, message, PAYLOAD, testContext } from '../helpers.js';

/** A consumer that reads payment.charge.done up to `reads` and keeps what its handler saw. */
function consumer(reads: number) {
  const seen: Message[] = [];
  const definition: ComponentDefinition = {
    name: 'orchestrator',
    reads: { 'payment.charge.done': reads },
    migrations: [],
    createHandler: () => ({ handle: (_tx: HandlerTx, m: Message) => void seen.push(m) }),
  };
  const ctx = testContext();
  return { endpoint: new Endpoint(definition, new BetterSqlite3(':memory:'), ctx), seen, ctx };
}

const reply = (version: number | undefined, body: object): Message => ({
  ...message('orchestrator', 'payment.charge.done', 'saga-1', body),
  ...(version ? { version } : {}),
});

describe('message schema versions', () => {
  it('payment.charge.done has a version 2 that adds the charge id; a version 1 body is brought up to it', () => {
    expect(newestVersion('payment.charge.done')).toBe(2);
    expect(newestVersion('payment.charge')).toBe(1);
    expect(JSON.parse(upcastBody('payment.charge.done', '{"ok":true}', 1, 2))).toEqual({ ok: true, chargeId: null });
    expect(JSON.parse(upcastBody('payment.charge.done', '{"ok":true}', 1, 1))).toEqual({ ok: true });
  });

  it('payment release 2 writes version 2 with the charge id; release 1 writes version 1 without it', () => {
    for (const release of [1, 2]) {
      const db = new BetterSqlite3(':memory:');
      const service = new Endpoint(paymentService(release), db, testContext());
      seedAccounts(db, [{ customer: PAYLOAD.customer, balanceCents: 10_000 }]);
      service.handle(message('payment', 'payment.charge'));
      const [sent] = drainOutbox(service);
      const body = JSON.parse(sent!.body) as { ok: boolean; chargeId?: string };
      if (release === 1) expect([sent!.version, body.chargeId]).toEqual([undefined, undefined]);
      else expect([sent!.version, body.chargeId]).toEqual([2, expect.stringMatching(/^ch-/)]);
    }
  });

  it('a consumer reads an older version upcast (and says so), its own as it is, and refuses a newer one before writing anything', () => {
    const { endpoint, seen, ctx } = consumer(2);
    endpoint.handle(reply(undefined, { ok: true }));
    endpoint.handle(reply(2, { ok: true, chargeId: 'ch-1' }));
    expect(seen.map((m) => [m.version, JSON.parse(m.body)])).toEqual([
      [2, { ok: true, chargeId: null }],
      [2, { ok: true, chargeId: 'ch-1' }],
    ]);
    expect(ctx.events.filter((e) => e.kind === 'handle').map((e) => e.detail)).toEqual(['(version 1 upcast to 2)', undefined]);
    const old = consumer(1);
    expect(() => old.endpoint.handle(reply(2, { ok: true, chargeId: 'ch-1' }))).toThrow(
      new UnreadableMessage('orchestrator reads payment.charge.done up to version 1, not version 2'),
    );
    expect(old.seen).toEqual([]);
    expect(old.ctx.events).toEqual([]);
  });
});

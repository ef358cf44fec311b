/**
 * The versions of message bodies: the messages are the services' public contract, so a
 * body's schema changes by adding a version, never by editing one. Each later version adds
 * to the one before and says how to bring an older body up to it (upcasting), so a consumer
 * that reads the new version still reads messages written before the upgrade.
 */
interface SchemaVersion {
  readonly version: number;
  /** What it adds, in a few words. */
  readonly adds: string;
  /** The body of the version before, brought up to this one. */
  readonly upcast: (body: Record<string, unknown>) => Record<string, unknown>;
}

/** Every message type whose body has versions past the first, with those versions in order. */
const SCHEMAS: Readonly<Record<string, readonly SchemaVersion[]>> = Object.freeze({
  'payment.charge.done': [
    {
      version: 2,
      adds: 'chargeId, the id of the charge the payment service made (null in a reply written before it existed)',
      upcast: (body) => ({ ...body, chargeId: null }),
    },
  ],
});

/**
 * What a consumer on `release` reads past version 1 of a body: from release 2, payment's
 * charge event with the charge's id (version 2). Whoever hears that event (the orchestrator,
 * or in choreography every service, the projection and the janitor) learns it the same way.
 */
export function readsAtRelease(release: number): Readonly<Record<string, number>> {
  return release >= 2 ? { 'payment.charge.done': 2 } : {};
}

/** The newest version of a message type's body (1 for a type that never changed). */
export function newestVersion(type: string): number {
  return SCHEMAS[type]?.at(-1)?.version ?? 1;
}

/** A body of version `from` brought up to version `to`, one version at a time. */
export function upcastBody(type: string, bodyJson: string, from: number, to: number): string {
  let body = JSON.parse(bodyJson) as Record<string, unknown>;
  for (const step of SCHEMAS[type] ?? []) if (step.version > from && step.version <= to) body = step.upcast(body);
  return JSON.stringify(body);
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A short-lived ticket for GET /runs/{runId}/events?token=… (a browser's EventSource cannot send an
 * Authorization header): `<payload>.<mac>`, the payload naming the run, the client that asked for it
 * and when it expires, the MAC an HMAC-SHA256 under a key derived from the service key. Valid for
 * that run only, until it expires; checked in constant time.
 */
export const RUN_EVENTS_TICKET_SECONDS = 60;

interface TicketPayload {
  runId: string;
  clientId?: string;
  /** Expiry, epoch milliseconds. */
  expires: number;
}

function mac(serviceKey: Buffer, payload: string): Buffer {
  const key = createHmac('sha256', serviceKey).update('hookline run events ticket').digest();
  return createHmac('sha256', key).update(payload).digest();
}

export function mintRunEventsTicket(
  serviceKey: Buffer,
  runId: string,
  clientId: string | undefined,
  now: Date,
): { token: string; expires: string } {
  const expires = now.getTime() + RUN_EVENTS_TICKET_SECONDS * 1000;
  const payload = Buffer.from(
    JSON.stringify({ runId, ...(clientId ? { clientId } : {}), expires } satisfies TicketPayload),
  ).toString('base64url');
  return {
    token: `${payload}.${mac(serviceKey, payload).toString('base64url')}`,
    expires: new Date(expires).toISOString(),
  };
}

/** Why a ticket is refused, or the client it was minted for. */
export function checkRunEventsTicket(
  serviceKey: Buffer,
  token: string,
  runId: string,
  now: Date,
): { ok: true; clientId?: string } | { ok: false; reason: string } {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined || token.length > 2048)
    return { ok: false, reason: 'the ticket is malformed' };
  const expected = mac(serviceKey, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'the ticket is not one this service issued' };
  let parsed: TicketPayload;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TicketPayload;
  } catch {
    return { ok: false, reason: 'the ticket is malformed' };
  }
  if (parsed.runId !== runId) return { ok: false, reason: 'the ticket is for another run' };
  if (!(parsed.expires > now.getTime())) return { ok: false, reason: 'the ticket has expired' };
  return { ok: true, ...(parsed.clientId ? { clientId: parsed.clientId } : {}) };
}

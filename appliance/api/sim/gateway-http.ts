// A new trace for each thing a simulated client does; the gateway's HTTP API itself is lib/chat-client's.
import { randomBytes } from 'node:crypto';

export function newTraceparent(): { traceparent: string; traceId: string } {
  const traceId = randomBytes(16).toString('hex');
  return { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, traceId };
}

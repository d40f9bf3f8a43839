import type { BrokerCore } from '../core';
import type { Reader } from '../codec/reader';
import type { Writer } from '../codec/writer';

export interface RequestContext {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string;
  clientHost: string;
  /** Aborted when the connection closes, so long waits (fetch long-poll) end with it. */
  closed: AbortSignal;
}

/** Decodes the request body from `r` and returns the response body, or null when none is due (acks=0). */
export type ApiHandler = (r: Reader, ctx: RequestContext, core: BrokerCore) => Promise<Writer | null> | Writer | null;

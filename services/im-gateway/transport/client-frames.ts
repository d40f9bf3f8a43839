// Decoding of client -> server WebSocket frames. Everything a client sends is untrusted: each field is checked
// and a failure names the field, so a client developer can see what to fix.
// A frame that is not shaped as the protocol's table says (a field missing or of the wrong JSON type) is refused
// here with INVALID_FRAME and counts toward the invalid-frame limit; whether a well-shaped value is allowed
// (clientMsgId characters, body size, content type, ids) is decided by lib/limits.ts, the same rules as on HTTP,
// and answered with INVALID_ARGUMENT / BODY_TOO_LARGE.
import { parseTraceparent } from '../../../lib/trace';
import type { SendDestination } from '../domain/conversation-id';
import { GatewayErrorCode } from '../domain/errors';

export type FrameId = string | number;

interface FrameBase {
  id?: FrameId;
  traceparent?: string;
}

export type ClientFrame =
  | (FrameBase & { type: 'send'; clientMsgId: string; to: SendDestination; body: string; contentType: string })
  | (FrameBase & { type: 'read'; conversationId: string; seq: number })
  | (FrameBase & { type: 'sync'; conversationId: string; fromSeq: number; limit?: number })
  | (FrameBase & { type: 'ping' });

export type DecodeResult =
  { ok: true; frame: ClientFrame } | { ok: false; code: string; message: string; ref?: FrameId };

/** Strings are bounded by the frame's own size limit here; their rules are lib/limits.ts's. */
const MAX_FRAME_STRING = 64 * 1024;

class FrameProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function str(o: Record<string, unknown>, field: string, maxLen: number): string {
  const v = o[field];
  if (typeof v !== 'string') throw new FrameProblem(GatewayErrorCode.invalidFrame, `"${field}" must be a string`);
  if (v.length > maxLen)
    throw new FrameProblem(GatewayErrorCode.invalidFrame, `"${field}" is longer than ${maxLen} characters`);
  return v;
}

function seqField(o: Record<string, unknown>, field: string, min: number): number {
  const v = o[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new FrameProblem(GatewayErrorCode.invalidFrame, `"${field}" must be an integer >= ${min}`);
  }
  return v;
}

function destination(o: Record<string, unknown>): SendDestination {
  const to = o.to;
  if (typeof to !== 'object' || to === null || Array.isArray(to)) {
    throw new FrameProblem(
      GatewayErrorCode.invalidFrame,
      '"to" must be an object with one of userId, groupId, conversationId',
    );
  }
  const t = to as Record<string, unknown>;
  const given = (['userId', 'groupId', 'conversationId'] as const).filter((k) => t[k] !== undefined);
  if (given.length !== 1) {
    throw new FrameProblem(
      GatewayErrorCode.invalidFrame,
      '"to" must name exactly one of userId, groupId, conversationId',
    );
  }
  const key = given[0]!;
  const value = str(t, key, 200);
  if (value.length === 0) throw new FrameProblem(GatewayErrorCode.invalidFrame, `"to.${key}" must not be empty`);
  if (key === 'userId') return { userId: value };
  if (key === 'groupId') return { groupId: value };
  return { conversationId: value };
}

function frameId(o: Record<string, unknown>): FrameId | undefined {
  const v = o.id;
  if (v === undefined) return undefined;
  if ((typeof v === 'string' && v.length <= 64) || (typeof v === 'number' && Number.isFinite(v))) return v;
  throw new FrameProblem(GatewayErrorCode.invalidFrame, '"id" must be a number or a string of at most 64 characters');
}

export function decodeClientFrame(text: string): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: GatewayErrorCode.badJson, message: `frame is not valid JSON: ${(err as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    // The same code as an HTTP body that is JSON but not an object.
    return { ok: false, code: GatewayErrorCode.badJson, message: 'frame must be a JSON object' };
  }
  const o = parsed as Record<string, unknown>;
  let ref: FrameId | undefined;
  try {
    ref = frameId(o);
    const base: FrameBase = {};
    if (ref !== undefined) base.id = ref;
    // As on HTTP (and as W3C Trace Context asks): a traceparent that cannot be parsed is ignored, and the work
    // starts a new trace; it never costs the client its frame.
    if (typeof o.traceparent === 'string' && parseTraceparent(o.traceparent) !== undefined) {
      base.traceparent = o.traceparent.trim();
    }
    switch (o.type) {
      case 'send': {
        const contentType = o.contentType === undefined ? 'text/plain' : str(o, 'contentType', 100);
        return {
          ok: true,
          frame: {
            ...base,
            type: 'send',
            clientMsgId: str(o, 'clientMsgId', MAX_FRAME_STRING),
            to: destination(o),
            body: str(o, 'body', MAX_FRAME_STRING),
            contentType,
          },
        };
      }
      case 'read':
        return {
          ok: true,
          frame: { ...base, type: 'read', conversationId: str(o, 'conversationId', 200), seq: seqField(o, 'seq', 0) },
        };
      case 'sync': {
        const frame: ClientFrame = {
          ...base,
          type: 'sync',
          conversationId: str(o, 'conversationId', 200),
          fromSeq: seqField(o, 'fromSeq', 0),
        };
        if (o.limit !== undefined) frame.limit = seqField(o, 'limit', 0);
        return { ok: true, frame };
      }
      case 'ping':
        return { ok: true, frame: { ...base, type: 'ping' } };
      default:
        return {
          ok: false,
          code: GatewayErrorCode.unknownFrameType,
          message: `unknown frame type ${JSON.stringify(o.type)}; expected send, read, sync or ping`,
          ...(ref !== undefined ? { ref } : {}),
        };
    }
  } catch (err) {
    if (err instanceof FrameProblem)
      return { ok: false, code: err.code, message: err.message, ...(ref !== undefined ? { ref } : {}) };
    throw err;
  }
}

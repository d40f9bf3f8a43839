// A short summary of an RPC's request or response for its span (the console's hop panel shows it): each top-level
// field once, strings clipped, lists and messages as their size, so the cost stays a walk over one object's keys.
// Made only when the span is recorded (tracing on).

const MAX_TEXT = 40;
const MAX_SUMMARY = 400;

function short(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string')
    return JSON.stringify(value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `[${value.length} item${value.length === 1 ? '' : 's'}]`;
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return '{…}';
}

/** `{ conversationId: "p2p:a:b", messages: [3 items] }`; empty fields (proto defaults) left out. */
export function summarize(message: unknown): string {
  if (message === null || typeof message !== 'object') return short(message);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(message)) {
    if (value === '' || value === 0 || value === false || value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    parts.push(`${key}: ${short(value)}`);
  }
  const text = parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}…` : text;
}

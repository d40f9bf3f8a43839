// The gateway's client HTTP API (docs/protocol.md), as a simulated client calls it.
import { randomBytes } from 'node:crypto';

export class GatewayCallError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GatewayCallError';
  }
}

export function newTraceparent(): { traceparent: string; traceId: string } {
  const traceId = randomBytes(16).toString('hex');
  return { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, traceId };
}

export async function gatewayCall<T>(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  options: { token?: string; body?: unknown; traceparent?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.traceparent) headers.traceparent = options.traceparent;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new GatewayCallError(
      `gateway ${baseUrl} did not answer ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`,
      0,
      'UNREACHABLE',
      { cause: error },
    );
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { message: text };
  }
  if (!response.ok) {
    const error =
      (json as { error?: { code?: string; message?: string } | string; message?: string; code?: string } | null) ?? {};
    const detail =
      typeof error.error === 'object'
        ? error.error
        : { code: error.code, message: typeof error.error === 'string' ? error.error : error.message };
    throw new GatewayCallError(
      `${method} ${path} failed with ${response.status}: ${detail?.message ?? text}`,
      response.status,
      detail?.code ?? String(response.status),
    );
  }
  return json as T;
}

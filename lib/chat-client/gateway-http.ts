// The gateway's JSON API under /api (docs/protocol.md): one request, with the token and a traceparent when given.
export class GatewayCallError extends Error {
  constructor(
    message: string,
    /** The HTTP status, 0 when the gateway did not answer. */
    readonly status: number,
    /** The error code of the answer (docs/protocol.md, Errors), UNREACHABLE when there was none. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GatewayCallError';
  }
}

export interface GatewayRequestOptions {
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, as application/json (to test what the gateway does with a bad body). */
  rawBody?: string;
  traceparent?: string;
  /** No limit when not given. */
  timeoutMs?: number;
}

export interface GatewayResponse {
  status: number;
  ok: boolean;
  text: string;
  /** The body parsed, undefined when it is empty or not JSON. */
  json: unknown;
}

/** One request to `${baseUrl}${path}`; any HTTP status is an answer. Throws GatewayCallError if none came. */
export async function gatewayRequest(
  baseUrl: string,
  method: string,
  path: string,
  options: GatewayRequestOptions = {},
): Promise<GatewayResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.traceparent) headers.traceparent = options.traceparent;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(options.timeoutMs !== undefined ? { signal: AbortSignal.timeout(options.timeoutMs) } : {}),
    });
    text = await response.text();
  } catch (error) {
    throw new GatewayCallError(
      `gateway ${baseUrl} did not answer ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`,
      0,
      'UNREACHABLE',
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, ok: response.ok, text, json };
}

/** A request whose answer must be a success (2xx): its JSON body, or GatewayCallError with the error's code. */
export async function gatewayCall<T>(
  baseUrl: string,
  method: string,
  path: string,
  options: GatewayRequestOptions = {},
): Promise<T> {
  const response = await gatewayRequest(baseUrl, method, path, { timeoutMs: 10_000, ...options });
  const json = response.json ?? (response.text ? { message: response.text } : null);
  if (!response.ok) {
    const error =
      (json as { error?: { code?: string; message?: string } | string; message?: string; code?: string }) ?? {};
    const detail =
      typeof error.error === 'object'
        ? error.error
        : { code: error.code, message: typeof error.error === 'string' ? error.error : error.message };
    throw new GatewayCallError(
      `${method} ${path} failed with ${response.status}: ${detail?.message ?? response.text}`,
      response.status,
      detail?.code ?? String(response.status),
    );
  }
  return json as T;
}

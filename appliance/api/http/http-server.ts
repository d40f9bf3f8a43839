// The appliance API's HTTP face: token check, routing, JSON and NDJSON responses, errors mapped to statuses (the
// only place that does), and the built console UI served from "/".
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { presentedToken, tokenMatches } from './auth';
import { BadRequestError, httpStatusOf, messageOf, NotFoundError, UnauthorizedError } from './errors';
import { FileResponse, NdjsonStream, type Router } from './router';
import { decodePathPart, requestUrl } from './request-url';

const MAX_BODY_BYTES = 2 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Sent on every response. The console's address can carry its token (?token=), so no referrer is ever sent;
 * framing is refused (a meta CSP cannot forbid it) so no other page can overlay the chaos buttons; the rest of the
 * policy repeats renderer/index.html's meta tag, so the page works the same in a browser and in Electron.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "connect-src 'self' ws: http://127.0.0.1:* http://localhost:*",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
};

export interface HttpHandlerOptions {
  token: string;
  router: Router;
  /** Folder holding the built console (index.html + assets), or null when it is not built. */
  rendererDir: () => string | null;
  onError?: (error: unknown, request: IncomingMessage) => void;
}

export function createHttpHandler(options: HttpHandlerOptions) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    void handle(options, request, response).catch((error: unknown) => {
      options.onError?.(error, request);
      if (!response.headersSent) sendJson(response, 500, { error: messageOf(error) });
      else response.destroy();
    });
  };
}

async function handle(options: HttpHandlerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const url = requestUrl(request.url);
    if (!url.pathname.startsWith('/api/') && url.pathname !== '/api') {
      await serveConsole(options.rendererDir(), url.pathname, response);
      return;
    }
    if (!tokenMatches(options.token, presentedToken(request, url))) {
      throw new UnauthorizedError(
        'missing or wrong console token: send "Authorization: Bearer <token>" (the token is printed when the appliance starts)',
      );
    }
    const matched = options.router.match(request.method ?? 'GET', url.pathname);
    if (!('handler' in matched)) {
      if (matched.allowed.length > 0) {
        sendJson(response, 405, {
          error: `${request.method} is not allowed on ${url.pathname}; use ${matched.allowed.join(' or ')}`,
        });
        return;
      }
      throw new NotFoundError(`no API endpoint ${url.pathname}`);
    }
    const body = request.method === 'POST' ? await readJsonBody(request) : undefined;
    const result = await matched.handler({ params: matched.params, query: url.searchParams, body });
    if (result instanceof NdjsonStream) {
      await streamNdjson(response, result);
      return;
    }
    if (result instanceof FileResponse) {
      response.writeHead(200, {
        'content-type': `${result.contentType}; charset=utf-8`,
        'content-disposition': `inline; filename="${result.filename}"`,
        'cache-control': 'no-store',
      });
      response.end(result.body);
      return;
    }
    sendJson(response, 200, result ?? { ok: true });
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 500) options.onError?.(error, request);
    // A stream that fails part-way can only be cut: its status line is already sent.
    if (response.headersSent) response.destroy();
    else sendJson(response, status, { error: messageOf(error) });
  }
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(body);
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BadRequestError(`request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw new BadRequestError(`request body is not valid JSON: ${messageOf(error)}`, { cause: error });
  }
}

async function streamNdjson(response: ServerResponse, stream: NdjsonStream): Promise<void> {
  const lines = stream.lines[Symbol.asyncIterator]();
  // The first line is read before the status is sent, so that a stream which fails at once (an unknown topic)
  // is still answered with its own status and error instead of an empty 200.
  let next = await lines.next();
  response.writeHead(200, {
    'content-type': 'application/x-ndjson; charset=utf-8',
    'content-disposition': `attachment; filename="${stream.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    'cache-control': 'no-store',
  });
  for (; !next.done; next = await lines.next()) {
    if (!response.write(`${JSON.stringify(next.value)}\n`)) {
      await new Promise<void>((resolve) => response.once('drain', resolve));
    }
    if (response.destroyed) {
      await lines.return?.();
      return;
    }
  }
  response.end();
}

async function serveConsole(rendererDir: string | null, pathname: string, response: ServerResponse): Promise<void> {
  if (rendererDir === null) {
    response.writeHead(503, { 'content-type': 'text/html; charset=utf-8' });
    response.end(NOT_BUILT_PAGE);
    return;
  }
  const relative = normalize(decodePathPart(pathname)).replace(/^([/\\])+/, '');
  let file = join(rendererDir, relative);
  if (!file.startsWith(rendererDir + sep) && file !== rendererDir) {
    response.writeHead(404).end();
    return;
  }
  const info = await stat(file).catch(() => null);
  // Views are client-side routes: any unknown path that is not an asset gets the app itself.
  if (!info?.isFile()) {
    if (relative.startsWith('assets/')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`no file ${pathname}`);
      return;
    }
    file = join(rendererDir, 'index.html');
  }
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    // The page is fetched at an address that may hold the token: it is not stored (assets never hold it).
    'cache-control': relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-store',
  });
  createReadStream(file).pipe(response);
}

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>GoChat console not built</title>
<body style="font:15px system-ui;max-width:40em;margin:4em auto;line-height:1.5">
<h1>The console UI is not built yet</h1>
<p>The appliance API is running, but the React console has not been built. Build it once with</p>
<pre>npm run build:console</pre>
<p>(or <code>npx vite build --config renderer/vite.config.ts</code>), then reload this page.</p></body>`;

// Every console response tells the browser not to leak its address (which may carry the token) as a referrer,
// not to let another page frame it (clickjacking the chaos buttons), and not to guess content types.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startApplianceApi, type ApplianceApi } from '../appliance-api';
import { FakeControl, FakeKafka } from '../test-support';

let dir: string;
let api: ApplianceApi;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gochat-api-headers-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'export {};');
  api = await startApplianceApi({
    control: new FakeControl(['im-repo']),
    kafka: new FakeKafka(),
    rendererDir: () => dir,
  });
});

after(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = () => ({ authorization: `Bearer ${api.token}` });

for (const [what, path, init, status] of [
  ['the console page, opened with its token', () => `/?token=${api.token}`, () => ({}), 200],
  ['a console asset', () => '/assets/app.js', () => ({}), 200],
  ['an API answer', () => '/api/services', () => ({ headers: auth() }), 200],
  ['a refused API call', () => '/api/services', () => ({}), 401],
  ['an API error', () => '/api/topics/%zz/records', () => ({ headers: auth() }), 400],
] as const) {
  test(`${what} carries Referrer-Policy, a CSP with frame-ancestors 'none' and X-Frame-Options`, async () => {
    const response = await fetch(`${api.url}${path()}`, init());
    await response.arrayBuffer();
    assert.equal(response.status, status);
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, csp);
    assert.match(csp, /(^|; )default-src 'self'(;|$)/, csp);
  });
}

test('the console page is not cached, so its address with the token is not kept with it', async () => {
  const response = await fetch(`${api.url}/?token=${api.token}`);
  await response.text();
  assert.equal(response.headers.get('cache-control'), 'no-store');
});

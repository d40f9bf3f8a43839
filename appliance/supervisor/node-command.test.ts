import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeCommand } from './node-command';

const args = ['--import', 'file:///x/tsx/dist/loader.mjs', 'services/im-repo/main.ts'];

test('under Node, the service runs on process.execPath with its environment unchanged', () => {
  const host = { execPath: '/usr/bin/node', versions: { node: '20.11.0' }, env: {} };
  assert.deepEqual(nodeCommand(args, { GRPC_PORT: '1' }, host), {
    command: '/usr/bin/node',
    args,
    env: { GRPC_PORT: '1' },
  });
});

test('under Electron, the Electron binary runs it as Node: ELECTRON_RUN_AS_NODE=1, same flags and entry', () => {
  const host = {
    execPath: '/opt/GoChat/gochat-desktop',
    versions: { node: '20.16.0', electron: '32.0.0' },
    env: {},
  };
  assert.deepEqual(nodeCommand(args, { GRPC_PORT: '1' }, host), {
    command: '/opt/GoChat/gochat-desktop',
    args,
    env: { GRPC_PORT: '1', ELECTRON_RUN_AS_NODE: '1' },
  });
});

test('GOCHAT_NODE_PATH names the Node binary to use instead, which is then not told it is Electron', () => {
  const host = {
    execPath: '/opt/GoChat/gochat-desktop',
    versions: { node: '20.16.0', electron: '32.0.0' },
    env: { GOCHAT_NODE_PATH: '/usr/local/bin/node' },
  };
  assert.deepEqual(nodeCommand(args, { GRPC_PORT: '1', ELECTRON_RUN_AS_NODE: '1' }, host), {
    command: '/usr/local/bin/node',
    args,
    env: { GRPC_PORT: '1' },
  });
});

// Builds and runs test-support/sarama/main.go, a client on Debian's sarama 1.22.1 (golang-github-shopify-sarama-dev)
// compiled by Debian's go 1.19 in GOPATH mode (no module download). The binary is kept in the temp dir under a
// hash of the source and the toolchain, so only the first run on a machine pays for the build.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GO = '/usr/bin/go';
const SARAMA_SRC = '/usr/share/gocode/src/github.com/Shopify/sarama';
const SOURCE_DIR = fileURLToPath(new URL('./sarama/', import.meta.url));
const PACKAGES = 'golang-go golang-github-shopify-sarama-dev';

/** Go and sarama are required in CI (.ci/run installs them); elsewhere the test may skip with this message. */
export function saramaMissing(): string | null {
  const missing = [GO, SARAMA_SRC].filter((p) => !existsSync(p));
  if (missing.length === 0) return null;
  const why = `${missing.join(' and ')} missing`;
  if (process.env.CI === 'true') throw new Error(`${why}: CI must install them (apt-get install ${PACKAGES})`);
  return `${why}: skipping (apt-get install ${PACKAGES})`;
}

/** The path of the built client, building it first when this source and toolchain have not been built yet. */
export function buildSaramaClient(): string {
  const source = readFileSync(join(SOURCE_DIR, 'main.go'));
  const goVersion = spawnSync(GO, ['version'], { encoding: 'utf8' }).stdout.trim();
  const saramaStamp = String(statSync(join(SARAMA_SRC, 'client.go')).mtimeMs); // changes when the package does
  const key = createHash('sha256').update(source).update(goVersion).update(saramaStamp).digest('hex').slice(0, 16);
  const root = join(tmpdir(), 'gochat-sarama-client');
  const binary = join(root, `sarama-client-${key}`);
  if (existsSync(binary)) return binary;
  mkdirSync(root, { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  const res = spawnSync(GO, ['build', '-o', partial, '.'], {
    cwd: SOURCE_DIR,
    encoding: 'utf8',
    timeout: 600_000,
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH: `/usr/share/gocode:${join(root, 'gopath')}`,
      GOCACHE: join(root, 'gocache'),
      CGO_ENABLED: '0', // no C toolchain needed; sarama 1.22 then has no zstd, which it could not use here anyway
      GOFLAGS: '',
    },
  });
  if (res.status !== 0) throw new Error(`go build of the sarama client failed (${res.status}): ${res.stderr}`);
  renameSync(partial, binary); // atomic: a concurrent run sees either no binary or a whole one
  return binary;
}

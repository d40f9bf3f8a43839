// The appliance's data dir: its layout, the lock that keeps one supervisor per dir, the record of the running
// appliance (appliance.json), and the token secret kept across runs.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isProcessAlive } from './processes';
import type { ServiceStatus } from './status';

export interface DataDirLayout {
  root: string;
  lockFile: string;
  applianceFile: string;
  tokenSecretFile: string;
  seedFile: string;
  logsDir: string;
  sqliteFile: string;
}

export function dataDirLayout(dataDir: string): DataDirLayout {
  const root = resolve(dataDir);
  return {
    root,
    lockFile: join(root, 'gochat.lock'),
    applianceFile: join(root, 'appliance.json'),
    tokenSecretFile: join(root, 'token-secret'),
    seedFile: join(root, 'seed.json'),
    logsDir: join(root, 'logs'),
    sqliteFile: join(root, 'gochat.db'),
  };
}

/** What `gochat status`, `gochat down` and tests read about the running appliance. */
export interface ApplianceRecord {
  version: 1;
  supervisorPid: number;
  startedAt: string;
  running: boolean;
  stoppedAt?: string;
  dataDir: string;
  infra: {
    kind: string;
    reason: string;
    kafkaBrokers: string;
    redisUrl: string;
    components: { name: string; description: string; address: string; pid: number | null }[];
  };
  admin: { url: string; port: number } | null;
  consoleUrl: string | null;
  services: ServiceStatus[];
}

export class ApplianceAlreadyRunningError extends Error {
  override name = 'ApplianceAlreadyRunningError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `gochat is already running on data dir ${dataDir} (supervisor pid ${pid}). ` +
        `Stop it with \`gochat down --data-dir ${dataDir}\`, or use another --data-dir.`,
    );
  }
}

function writeFileAtomic(path: string, content: string, mode?: number): void {
  const temp = `${path}.${process.pid}.tmp`;
  // A temp file left by a crash would keep its old mode (the mode option applies only to new files).
  rmSync(temp, { force: true });
  writeFileSync(temp, content, mode === undefined ? undefined : { mode });
  renameSync(temp, path);
}

/** The pid in the lock file, if a lock exists and names a live process. */
export function lockHolder(layout: DataDirLayout): number | undefined {
  if (!existsSync(layout.lockFile)) return undefined;
  const pid = Number(JSON.parse(readFileSync(layout.lockFile, 'utf8') || '{}').pid);
  return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : undefined;
}

/** Owner only: the data dir holds the console URL with its token, the token secret, the database and Kafka log. */
const PRIVATE_DIR_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the data dir owner-only, or makes an existing one so (earlier versions created it 0755 and the secrets
 * 0644). What is inside is then out of other users' reach whatever its own mode.
 */
export function securePrivateDataDir(layout: DataDirLayout): void {
  mkdirSync(layout.root, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(layout.root, PRIVATE_DIR_MODE);
  for (const secret of [layout.applianceFile, layout.tokenSecretFile, layout.lockFile]) {
    try {
      chmodSync(secret, PRIVATE_FILE_MODE);
    } catch {
      // Not there yet: created 0600 when written.
    }
  }
}

/** Takes the data dir's lock for this process; a lock left by a dead process is taken over. */
export function acquireLock(layout: DataDirLayout): () => void {
  securePrivateDataDir(layout);
  const content = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(layout.lockFile, content, { flag: 'wx', mode: PRIVATE_FILE_MODE });
      return () => {
        try {
          if (Number(JSON.parse(readFileSync(layout.lockFile, 'utf8')).pid) === process.pid) rmSync(layout.lockFile);
        } catch {
          // Already gone.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: number | undefined;
      try {
        holder = lockHolder(layout);
      } catch {
        holder = undefined; // An unreadable lock is a torn write by a dead process.
      }
      if (holder !== undefined) throw new ApplianceAlreadyRunningError(layout.root, holder);
      rmSync(layout.lockFile, { force: true });
    }
  }
  throw new ApplianceAlreadyRunningError(layout.root, -1);
}

export function readApplianceRecord(layout: DataDirLayout): ApplianceRecord | undefined {
  if (!existsSync(layout.applianceFile)) return undefined;
  return JSON.parse(readFileSync(layout.applianceFile, 'utf8')) as ApplianceRecord;
}

export function writeApplianceRecord(layout: DataDirLayout, record: ApplianceRecord): void {
  writeFileAtomic(layout.applianceFile, `${JSON.stringify(record, null, 2)}\n`, PRIVATE_FILE_MODE);
}

/** TOKEN_SECRET is generated once per data dir, so tokens stay valid across restarts of im-logic. */
export function tokenSecret(layout: DataDirLayout): string {
  if (existsSync(layout.tokenSecretFile)) {
    const existing = readFileSync(layout.tokenSecretFile, 'utf8').trim();
    if (existing.length >= 32) return existing;
  }
  const secret = randomBytes(32).toString('hex');
  writeFileAtomic(layout.tokenSecretFile, `${secret}\n`, PRIVATE_FILE_MODE);
  return secret;
}

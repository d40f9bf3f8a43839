// Typed, validated configuration from the environment. Each reader throws a ConfigError that names the variable and
// says what was wrong, so a bad deployment fails at start with one clear line instead of misbehaving later.

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface StringOptions {
  default?: string;
  minLength?: number;
}
export interface IntOptions {
  default?: number;
  min?: number;
  max?: number;
}
export interface ListOptions {
  default?: readonly string[];
  minItems?: number;
}

/** Reads variables from one environment; an empty or whitespace-only value counts as unset. */
export class EnvReader {
  constructor(private readonly env: Env = process.env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  /** Required unless a default is given. */
  string(name: string, options: StringOptions = {}): string {
    const value = this.raw(name) ?? options.default;
    if (value === undefined) throw new ConfigError(name, 'is required but not set');
    if (options.minLength !== undefined && value.length < options.minLength) {
      throw new ConfigError(name, `must be at least ${options.minLength} characters long (got ${value.length})`);
    }
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  /** A base-10 integer, required unless a default is given, checked against min/max when given. */
  int(name: string, options: IntOptions = {}): number {
    const text = this.raw(name);
    let value: number;
    if (text === undefined) {
      if (options.default === undefined) throw new ConfigError(name, 'is required but not set');
      value = options.default;
    } else {
      if (!/^[+-]?\d+$/.test(text)) throw new ConfigError(name, `must be an integer (got "${text}")`);
      value = Number(text);
      if (!Number.isSafeInteger(value)) throw new ConfigError(name, `is out of the integer range (got "${text}")`);
    }
    if (options.min !== undefined && value < options.min) {
      throw new ConfigError(name, `must be >= ${options.min} (got ${value})`);
    }
    if (options.max !== undefined && value > options.max) {
      throw new ConfigError(name, `must be <= ${options.max} (got ${value})`);
    }
    return value;
  }

  /** A comma-separated list; blank items are dropped. Required unless a default is given. */
  list(name: string, options: ListOptions = {}): string[] {
    const text = this.raw(name);
    const items =
      text === undefined
        ? options.default
        : text
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item !== '');
    if (items === undefined) throw new ConfigError(name, 'is required but not set');
    const minItems = options.minItems ?? (text === undefined ? 0 : 1);
    if (items.length < minItems) {
      throw new ConfigError(name, `must list at least ${minItems} comma-separated item(s)`);
    }
    return [...items];
  }

  /** One of a fixed set of values. */
  oneOf<T extends string>(name: string, allowed: readonly T[], defaultValue?: T): T {
    const value = this.raw(name) ?? defaultValue;
    if (value === undefined) throw new ConfigError(name, 'is required but not set');
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
    }
    return value as T;
  }

  /** A list of host:port addresses (e.g. KAFKA_BROKERS, REPO_ADDR). */
  hostPorts(name: string, options: ListOptions = {}): string[] {
    const items = this.list(name, options);
    for (const item of items) assertHostPort(name, item);
    return items;
  }

  hostPort(name: string, options: { default?: string } = {}): string {
    const value = this.string(name, options);
    assertHostPort(name, value);
    return value;
  }
}

function assertHostPort(name: string, value: string): void {
  const match = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) {
    throw new ConfigError(name, `must be host:port with a port from 1 to 65535 (got "${value}")`);
  }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The variables every service reads (see the process contract). */
export interface CommonConfig {
  instanceId: string;
  logLevel: LogLevel;
  grpcHost: string;
  grpcPort: number;
  dataDir: string | undefined;
}

export function readCommonConfig(env: EnvReader, defaultInstanceId: string): CommonConfig {
  return {
    instanceId: env.string('GOCHAT_INSTANCE_ID', { default: defaultInstanceId }),
    logLevel: env.oneOf('GOCHAT_LOG_LEVEL', LOG_LEVELS, 'info'),
    grpcHost: env.string('GRPC_HOST', { default: '127.0.0.1' }),
    grpcPort: env.int('GRPC_PORT', { default: 0, min: 0, max: 65535 }),
    dataDir: env.optionalString('GOCHAT_DATA_DIR'),
  };
}

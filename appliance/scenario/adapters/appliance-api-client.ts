// ApplianceOps over the appliance API (appliance/api/README.md): the same endpoints the console uses.
import type { ApplianceOps, LoggedInUser, TopicRecord } from '../domain/ports';

export class ApplianceApiClient implements ApplianceOps {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 60_000): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        const json = JSON.parse(text) as { error?: unknown };
        message = typeof json.error === 'string' ? json.error : JSON.stringify(json.error ?? json);
      } catch {
        // Not JSON: the text is the message.
      }
      throw new Error(`appliance API ${method} ${path}: ${response.status} ${message}`);
    }
    return (text ? JSON.parse(text) : null) as T;
  }

  /** Record and Stop a session of the console's simulated clients (docs/scenarios.md, "Recording"). */
  recording<T>(what: 'start' | 'stop' | 'status'): Promise<T> {
    return what === 'status' ? this.call<T>('GET', '/api/recording') : this.call<T>('POST', `/api/recording/${what}`);
  }

  async createUsers(prefix: string, count: number, password: string): Promise<LoggedInUser[]> {
    const users: LoggedInUser[] = [];
    // The API takes 5000 users per call; usernames stay <prefix><index> across calls.
    for (let start = 0; start < count; start += 5000) {
      const n = Math.min(5000, count - start);
      const result = await this.call<{ users: { userId: string; username: string; token?: string }[] }>(
        'POST',
        '/api/seed',
        {
          prefix: start === 0 ? prefix : `${prefix}p${start / 5000}`,
          count: n,
          password,
          tokens: true,
        },
      );
      for (const u of result.users) users.push({ userId: u.userId, username: u.username, token: u.token ?? '' });
    }
    return users;
  }

  async kill(service: string): Promise<void> {
    await this.call('POST', `/api/services/${encodeURIComponent(service)}/chaos/kill`);
  }

  async restart(service: string): Promise<void> {
    await this.call('POST', `/api/services/${encodeURIComponent(service)}/restart`, undefined, 120_000);
  }

  async presence(): Promise<Map<string, number>> {
    const result = await this.call<{ users: { userId: string; connections: unknown[] }[] }>('GET', '/api/presence');
    return new Map(result.users.map((u) => [u.userId, u.connections.length]));
  }

  async records(topic: string, filter: { sinceMs: number; eventType?: string; key?: string }): Promise<TopicRecord[]> {
    const query = new URLSearchParams({ from: 'time', time: String(filter.sinceMs), limit: '1000' });
    if (filter.eventType) query.set('eventType', filter.eventType);
    if (filter.key) query.set('key', filter.key);
    const result = await this.call<{
      records: { key: string | null; eventType: string | null; value: unknown; timestampMs: number }[];
    }>('GET', `/api/topics/${encodeURIComponent(topic)}/records?${query.toString()}`);
    return result.records.map((r) => ({
      key: r.key,
      eventType: r.eventType,
      value: r.value,
      timestampMs: r.timestampMs,
    }));
  }

  async rows(table: string, where: Record<string, string | number>): Promise<Record<string, unknown>[]> {
    const query = new URLSearchParams({ limit: '1000', where: JSON.stringify(where) });
    const result = await this.call<{ rows: Record<string, unknown>[] }>(
      'GET',
      `/api/data/tables/${encodeURIComponent(table)}?${query.toString()}`,
    );
    return result.rows;
  }
}

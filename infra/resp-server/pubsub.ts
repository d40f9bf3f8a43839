// Publish/subscribe across the server's connections: SUBSCRIBE/PSUBSCRIBE register a connection for a channel
// or a glob pattern, PUBLISH pushes a message to every match and answers how many received it. As in Redis,
// messages are fire-and-forget (nothing is stored) and channels are independent of the databases.
import { compileGlob } from './glob';
import { reply } from './resp-protocol';

export interface Subscriber {
  readonly id: number;
  /** Writes an already-encoded push message to the subscriber's connection. */
  push(encoded: string): void;
}

interface PatternEntry {
  regex: RegExp;
  subscribers: Set<Subscriber>;
}

export class PubSubHub {
  private readonly channels = new Map<string, Set<Subscriber>>();
  private readonly patterns = new Map<string, PatternEntry>();

  subscribe(sub: Subscriber, channel: string): void {
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(sub);
  }

  unsubscribe(sub: Subscriber, channel: string): void {
    const set = this.channels.get(channel);
    set?.delete(sub);
    if (set?.size === 0) this.channels.delete(channel);
  }

  psubscribe(sub: Subscriber, pattern: string): void {
    let entry = this.patterns.get(pattern);
    if (!entry) this.patterns.set(pattern, (entry = { regex: compileGlob(pattern), subscribers: new Set() }));
    entry.subscribers.add(sub);
  }

  punsubscribe(sub: Subscriber, pattern: string): void {
    const entry = this.patterns.get(pattern);
    entry?.subscribers.delete(sub);
    if (entry?.subscribers.size === 0) this.patterns.delete(pattern);
  }

  /** Delivers to channel subscribers, then to pattern subscribers; returns the number of deliveries. */
  publish(channel: string, message: string): number {
    let delivered = 0;
    const subs = this.channels.get(channel);
    if (subs) {
      const encoded = reply.bulkArray(['message', channel, message]);
      for (const sub of subs) sub.push(encoded);
      delivered += subs.size;
    }
    for (const [pattern, entry] of this.patterns) {
      if (!entry.regex.test(channel)) continue;
      const encoded = reply.bulkArray(['pmessage', pattern, channel, message]);
      for (const sub of entry.subscribers) sub.push(encoded);
      delivered += entry.subscribers.size;
    }
    return delivered;
  }

  /** PUBSUB CHANNELS [pattern]: channels with at least one subscriber. */
  activeChannels(pattern: string | undefined): string[] {
    const regex = pattern === undefined ? null : compileGlob(pattern);
    return [...this.channels.keys()].filter((c) => regex === null || regex.test(c));
  }

  subscriberCount(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }

  get patternCount(): number {
    return this.patterns.size;
  }
}

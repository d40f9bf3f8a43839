import { BoundedSet } from '../../../lib/bounded-map';
import type { ClientLink } from './ports';

// The same stored message can reach a connection by two roads (the downstream topic and a PushToUsers call, a
// sync answer racing a push, or records redelivered after a consumer restart, which are those since the last
// commit: a handful). Each connection remembers the (conversation, seq) pairs it was given recently so that it
// never receives one twice. The window is bounded (about 30 KB per connection) to keep memory flat with many
// connections; a duplicate older than the window is still dropped by the client, which keys messages by seq.
const DELIVERY_WINDOW = 512;

class DeliveryLedger {
  private readonly seen = new BoundedSet<string>(DELIVERY_WINDOW);

  /** true the first time a (conversation, seq) is offered, false afterwards. */
  firstTime(conversationId: string, seq: number): boolean {
    const key = `${conversationId}\u0000${seq}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}

interface Entry {
  link: ClientLink;
  ledger: DeliveryLedger;
}

/** The client connections this gateway holds, by connection and by user. */
export class ConnectionRegistry {
  private readonly byConn = new Map<string, Entry>();
  private readonly byUser = new Map<string, Set<string>>();

  add(link: ClientLink): void {
    this.byConn.set(link.connId, { link, ledger: new DeliveryLedger() });
    let conns = this.byUser.get(link.userId);
    if (!conns) {
      conns = new Set();
      this.byUser.set(link.userId, conns);
    }
    conns.add(link.connId);
  }

  remove(connId: string): ClientLink | undefined {
    const entry = this.byConn.get(connId);
    if (!entry) return undefined;
    this.byConn.delete(connId);
    const conns = this.byUser.get(entry.link.userId);
    conns?.delete(connId);
    if (conns && conns.size === 0) this.byUser.delete(entry.link.userId);
    return entry.link;
  }

  get(connId: string): ClientLink | undefined {
    return this.byConn.get(connId)?.link;
  }

  linksOf(userId: string): ClientLink[] {
    const conns = this.byUser.get(userId);
    if (!conns) return [];
    const links: ClientLink[] = [];
    for (const connId of conns) {
      const entry = this.byConn.get(connId);
      if (entry) links.push(entry.link);
    }
    return links;
  }

  /** Marks (conversation, seq) as delivered to a connection; false when it already was. */
  markDelivered(connId: string, conversationId: string, seq: number): boolean {
    const entry = this.byConn.get(connId);
    if (!entry) return false;
    return entry.ledger.firstTime(conversationId, seq);
  }

  all(): ClientLink[] {
    return [...this.byConn.values()].map((e) => e.link);
  }

  get size(): number {
    return this.byConn.size;
  }
}

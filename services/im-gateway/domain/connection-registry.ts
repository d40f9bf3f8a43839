import { BoundedMap } from '../../../lib/bounded-map';
import type { ClientLink } from './ports';

// The same stored message can reach a connection by two roads (the downstream topic and a PushToUsers call, a
// sync answer racing a push, or records redelivered after a consumer restart, which are those since the last
// commit: a handful). Each connection remembers, per conversation, the seqs it was given recently so that it never
// receives one twice: the highest seq and a bitmap of the SEQ_WINDOW seqs below it, for the CONVERSATIONS
// conversations it was given something in most recently. It is asked once per push (a 20-member group's message:
// 19 times), so it works on numbers: no key string is built or hashed per push. Memory stays flat with many
// connections (at most 64 bitmaps of 64 bytes each); a duplicate older than the window is still dropped by the
// client, which keys messages by seq.
const SEQ_WINDOW = 512;
const CONVERSATIONS = 64;

/** The seqs of one conversation given to one connection: the highest, and which of the SEQ_WINDOW before it. */
export class SeqWindow {
  private top = 0;
  /** Bit (seq % SEQ_WINDOW) is set when that seq, within the window below `top`, was given. */
  private readonly bits = new Uint32Array(SEQ_WINDOW / 32);

  /** true the first time a seq is offered, false afterwards (a seq older than the window counts as new). */
  firstTime(seq: number): boolean {
    if (seq > this.top) {
      if (seq - this.top >= SEQ_WINDOW) this.bits.fill(0);
      else for (let s = this.top + 1; s < seq; s++) this.clear(s);
      this.top = seq;
      this.set(seq);
      return true;
    }
    if (seq <= this.top - SEQ_WINDOW) return true;
    if (this.has(seq)) return false;
    this.set(seq);
    return true;
  }

  private has(seq: number): boolean {
    const slot = seq % SEQ_WINDOW;
    return ((this.bits[slot >>> 5] as number) & (1 << (slot & 31))) !== 0;
  }

  private set(seq: number): void {
    const slot = seq % SEQ_WINDOW;
    this.bits[slot >>> 5] = ((this.bits[slot >>> 5] as number) | (1 << (slot & 31))) >>> 0;
  }

  private clear(seq: number): void {
    const slot = seq % SEQ_WINDOW;
    this.bits[slot >>> 5] = ((this.bits[slot >>> 5] as number) & ~(1 << (slot & 31))) >>> 0;
  }
}

class DeliveryLedger {
  private readonly conversations = new BoundedMap<string, SeqWindow>(CONVERSATIONS);

  /** true the first time a (conversation, seq) is offered, false afterwards. */
  firstTime(conversationId: string, seq: number): boolean {
    let seqs = this.conversations.get(conversationId);
    if (seqs === undefined) {
      seqs = new SeqWindow();
      this.conversations.set(conversationId, seqs);
    }
    return seqs.firstTime(seq);
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

// The send path: validate, authorise, store (dedup + seq in one repo call), then publish the persist record
// (indexing) and the downstream record (delivery + ack). Nothing is acked before it is stored.
// Sends are taken in batches (the records of one upstream partition that arrived together): one repo call stores
// the batch in one transaction, and the records it yields leave in one produce request. Each send keeps its own
// outcome: a refused send is answered on its own and never holds up the others.
import type { ChatMessage } from '../../../proto/gen/gochat/common/v1/common';
import { conversationTypeOf, groupConversationId, p2pConversationId } from './conversation';
import { InvalidField, isRejection, type DomainError } from './errors';
import { groupRefusal, type Audience, type ConversationAccess } from './membership';
import { validateOutgoing, type OutgoingMessage, type SendRequest } from './outgoing-message';
import type { EventOrigin, LogicEventPublisher, MessageStore } from './ports';
import { DispatchMarks } from './dispatch-marks';

export interface SendCommand extends SendRequest {
  originGatewayId: string;
  originConnId: string;
}

export interface SendResult {
  message: ChatMessage;
  duplicate: boolean;
}

export interface BatchedSend {
  cmd: SendCommand;
  origin: EventOrigin;
}

/** A send that may be stored; a group send's audience comes from the store, which checks membership as it stores. */
type Accepted = { outgoing: OutgoingMessage; audience: Audience | undefined };

export class MessageSender {
  private readonly marks: DispatchMarks;

  constructor(
    private readonly access: ConversationAccess,
    store: MessageStore,
    private readonly events: LogicEventPublisher,
    options: { markFlushDelayMs?: number } = {},
  ) {
    this.marks = new DispatchMarks(store, options.markFlushDelayMs);
  }

  /** One send; throws the domain error a refused send gets, and anything else is infrastructure. */
  async send(cmd: SendCommand, origin: EventOrigin): Promise<SendResult> {
    const [outcome] = await this.sendBatch([{ cmd, origin }], { reportRefusals: false });
    if (outcome === undefined) throw new Error('sendBatch returned no outcome');
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /**
   * The upstream path: each send's outcome, in order. A refused send is reported to its origin connection through
   * the downstream topic and counts as handled, so a bad message never blocks its partition. Infrastructure
   * failures propagate, and the caller retries the whole batch: storing is idempotent per (sender, clientMsgId),
   * and gateways drop a (conversation, seq) a connection already has.
   */
  async sendBatch(
    sends: readonly BatchedSend[],
    { reportRefusals = true } = {},
  ): Promise<Array<SendResult | DomainError>> {
    const checked = this.authorise(sends);
    const accepted = checked.flatMap((c) => (c instanceof Error ? [] : [c]));
    const stored = await this.marks.saveWith(
      accepted.map(({ outgoing }) => ({
        messageId: '',
        conversationId: outgoing.destination.conversationId,
        conversationType: conversationTypeOf(outgoing.destination),
        seq: 0,
        senderId: outgoing.senderId,
        clientMsgId: outgoing.clientMsgId,
        contentType: outgoing.contentType,
        body: outgoing.body,
        sentAtMs: 0,
      })),
    );

    const notFriends = await this.access.notFriends(
      accepted.flatMap((send, i) => (stored[i]?.notFriends ? [peerOf(send)] : [])),
    );

    const outcomes: Array<SendResult | DomainError> = [];
    const publishes: Promise<void>[] = [];
    const deliveredNow = new Set<string>();
    let next = 0;
    for (const [i, { cmd, origin }] of sends.entries()) {
      const check = checked[i] as Accepted | DomainError;
      let outcome: SendResult | DomainError;
      if (check instanceof Error) {
        outcome = check;
      } else {
        const saved = stored[next++];
        if (saved === undefined) throw new Error('SaveMessages answered fewer messages than it was given');
        const { destination } = check.outgoing;
        const audience = check.audience ?? { memberIds: saved.memberIds, visibleFromSeq: 1 };
        outcome =
          saved.saved !== undefined
            ? this.publishStored(cmd, origin, { ...check, audience }, saved.saved, deliveredNow, publishes)
            : saved.notFriends
              ? (notFriends.get(peerOf(check)) as DomainError)
              : (saved.noSuchGroup || saved.notMember) && destination.type === 'group'
                ? groupRefusal(destination.groupId, saved)
                : new InvalidField('message', saved.refused);
      }
      if (outcome instanceof Error && reportRefusals) publishes.push(this.reportRefusal(cmd, origin, outcome));
      outcomes.push(outcome);
    }
    // Calls above were made in order, so each conversation's records are queued in seq order; one request carries
    // them. Marked only after every record is out: a crash before that means the next duplicate delivers again.
    await Promise.all(publishes);
    this.marks.add([...deliveredNow]);
    return outcomes;
  }

  /** Validation and, for p2p sends, who may send (with no lookup: the store checks the rest as it stores). */
  private authorise(sends: readonly BatchedSend[]): Array<Accepted | DomainError> {
    return sends.map(({ cmd }): Accepted | DomainError => {
      let outgoing: OutgoingMessage;
      try {
        outgoing = validateOutgoing(cmd);
      } catch (err) {
        if (isRejection(err)) return err;
        throw err;
      }
      const audience = this.access.forSending(outgoing.destination, outgoing.senderId);
      return audience instanceof Error ? audience : { outgoing, audience };
    });
  }

  /**
   * Starts publishing the persist and downstream records of one stored send (pushed onto `publishes`).
   * The persist record is published for a duplicate too: if an earlier attempt stored the message and then died
   * before publishing, this is what gets it indexed (indexing is idempotent). The sender is among the recipients
   * so that their other devices see the message; the origin gateway sends the ack (not the message) to the origin
   * connection. A duplicate whose delivery was published only repeats the ack; one whose first attempt died
   * between storing and publishing is delivered now.
   */
  private publishStored(
    cmd: SendCommand,
    origin: EventOrigin,
    { outgoing, audience }: { outgoing: OutgoingMessage; audience: Audience },
    saved: { message: ChatMessage; duplicate: boolean; dispatched: boolean },
    deliveredNow: Set<string>,
    publishes: Promise<void>[],
  ): SendResult {
    const { message } = saved;
    const alreadyOut = saved.dispatched || deliveredNow.has(message.messageId) || this.marks.has(message.messageId);
    const deliver = !saved.duplicate || !alreadyOut;
    if (deliver) deliveredNow.add(message.messageId);
    publishes.push(
      this.events.messagePersisted({ message, memberIds: audience.memberIds }, origin),
      this.events.messageDownstream(
        {
          conversationId: outgoing.destination.conversationId,
          message,
          recipientIds: deliver ? audience.memberIds : [],
          originGatewayId: cmd.originGatewayId,
          originConnId: cmd.originConnId,
          ackOnly: !deliver,
          clientMsgId: outgoing.clientMsgId,
          senderId: outgoing.senderId,
        },
        origin,
      ),
    );
    return { message, duplicate: saved.duplicate };
  }

  private reportRefusal(cmd: SendCommand, origin: EventOrigin, err: DomainError): Promise<void> {
    return this.events.messageDownstream(
      {
        conversationId: bestEffortConversationKey(cmd),
        recipientIds: [],
        originGatewayId: cmd.originGatewayId,
        originConnId: cmd.originConnId,
        ackOnly: false,
        error: { code: err.code, message: err.message },
        clientMsgId: cmd.clientMsgId,
        senderId: cmd.senderId,
      },
      origin,
    );
  }

  /** Writes the dispatch marks still held (on shutdown). */
  flush(): Promise<void> {
    return this.marks.flush();
  }
}

/** The other participant of an accepted p2p send (its audience is the sender and the peer). */
function peerOf({ outgoing, audience }: Accepted): string {
  return audience?.memberIds.find((id) => id !== outgoing.senderId) ?? '';
}

/** The partition key for a refused send: its conversation if it can be named, else the sender. */
function bestEffortConversationKey(cmd: SendCommand): string {
  if (cmd.conversationId !== '') return cmd.conversationId;
  if (cmd.groupId !== '') return groupConversationId(cmd.groupId);
  if (cmd.toUserId !== '' && cmd.senderId !== '') return p2pConversationId(cmd.senderId, cmd.toUserId);
  return cmd.senderId;
}

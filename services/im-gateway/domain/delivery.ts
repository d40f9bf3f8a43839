import type { ChatMessage, SystemSignalMessage } from '../../../proto/gen/gochat/common/v1/common';
import type { MessageDownstream } from '../../../proto/gen/gochat/events/v1/events';
import type { ConnectionRegistry } from './connection-registry';

export interface PushResult {
  deliveredConnections: number;
  deliveredUserIds: string[];
  notConnectedUserIds: string[];
}

/** Hands stored messages, acks and signals to the connections this gateway holds. */
export class Delivery {
  constructor(
    private readonly gatewayId: string,
    private readonly registry: ConnectionRegistry,
  ) {}

  /**
   * One record of gochat.messages.downstream. Every gateway sees every record and acts on its own clients. The
   * frames carry the trace the caller runs this in (lib/telemetry withTraceSync), the record's.
   */
  onDownstream(record: MessageDownstream): { pushed: number; acked: boolean } {
    const originHere = record.originGatewayId === this.gatewayId;
    const origin = originHere && record.originConnId ? this.registry.get(record.originConnId) : undefined;
    if (record.error) {
      origin?.rejectSend(record.clientMsgId, record.error.code, record.error.message);
      return { pushed: 0, acked: false };
    }
    const message = record.message;
    if (!message) return { pushed: 0, acked: false };
    let acked = false;
    if (origin && origin.userId === (record.senderId || message.senderId)) {
      origin.acknowledgeSend({
        clientMsgId: record.clientMsgId || message.clientMsgId,
        messageId: message.messageId,
        conversationId: message.conversationId,
        seq: message.seq,
      });
      // The sender's own connection has the message already; it must not also get it as a push.
      this.registry.markDelivered(origin.connId, message.conversationId, message.seq);
      acked = true;
    }
    if (record.ackOnly) return { pushed: 0, acked };
    const pushed = this.pushMessage(record.recipientIds, message).deliveredConnections;
    return { pushed, acked };
  }

  pushMessage(userIds: readonly string[], message: ChatMessage): PushResult {
    return this.fanOut(userIds, (link) => {
      if (!this.registry.markDelivered(link.connId, message.conversationId, message.seq)) return false;
      link.pushMessage(message);
      return true;
    });
  }

  pushSignal(userIds: readonly string[], signal: SystemSignalMessage): PushResult {
    return this.fanOut(userIds, (link) => {
      link.pushSignal(signal);
      return true;
    });
  }

  private fanOut(
    userIds: readonly string[],
    deliver: (link: ReturnType<ConnectionRegistry['all']>[number]) => boolean,
  ): PushResult {
    const result: PushResult = { deliveredConnections: 0, deliveredUserIds: [], notConnectedUserIds: [] };
    for (const userId of new Set(userIds)) {
      const links = this.registry.linksOf(userId);
      if (links.length === 0) {
        result.notConnectedUserIds.push(userId);
        continue;
      }
      result.deliveredUserIds.push(userId);
      for (const link of links) if (deliver(link)) result.deliveredConnections += 1;
    }
    return result;
  }
}

import type { ChatMessage } from '../../../proto/gen/gochat/common/v1/common';
import { historyPageSize } from '../../../lib/limits';
import { assertConversationId } from './conversation-id';
import type { ConnectionRegistry } from './connection-registry';
import type { LogicApi } from './ports';

/**
 * Catch-up for one connection after a reconnect or a seq gap: the messages from fromSeq on, oldest first.
 * Each one is recorded as delivered to that connection, so a push that is still on its way is not shown twice.
 */
export class ConversationSync {
  constructor(
    private readonly logic: LogicApi,
    private readonly registry: ConnectionRegistry,
  ) {}

  async pull(
    reader: { userId: string; connId: string },
    conversationId: string,
    fromSeq: number,
    limit = 0,
  ): Promise<{ messages: ChatMessage[]; maxSeq: number; hasMore: boolean }> {
    assertConversationId(conversationId);
    const res = await this.logic.getHistory({
      userId: reader.userId,
      conversationId,
      fromSeq,
      toSeq: 0,
      limit: historyPageSize(limit),
    });
    for (const m of res.messages) this.registry.markDelivered(reader.connId, m.conversationId, m.seq);
    return res;
  }
}

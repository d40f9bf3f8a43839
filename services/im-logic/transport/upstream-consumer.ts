// The upstream topic's handler: each MessageUpstream record is one send. A refused send is answered through the
// downstream topic and the record counts as done; a failure of im-repo or Kafka is thrown, so lib's consumer
// retries the record and does not commit its offset until the send went through.
import type { AnyConsumedEvent } from '../../../lib/kafka';
import type { Logger } from '../../../lib/log';
import { traceIdOf } from '../../../lib/trace';
import { withTraceparent } from '../../../lib/trace-scope';
import type { MessageSender } from '../domain/message-sender';

export function upstreamHandler(sender: MessageSender, logger: Logger): (event: AnyConsumedEvent) => Promise<void> {
  return async (event) => {
    if (event.type !== 'message.upstream') {
      logger.warn({ eventType: event.type, offset: event.offset }, 'ignoring an event that is not message.upstream');
      return;
    }
    const up = event.message;
    const outcome = await withTraceparent(event.traceparent, () =>
      sender.sendFromUpstream(
        {
          senderId: up.senderId,
          toUserId: up.toUserId,
          groupId: up.groupId,
          conversationId: up.conversationId,
          clientMsgId: up.clientMsgId,
          contentType: up.contentType,
          body: up.body,
          originGatewayId: up.originGatewayId,
          originConnId: up.originConnId,
        },
        { traceparent: event.traceparent },
      ),
    );
    const traceId = traceIdOf(event.traceparent);
    if (outcome instanceof Error) {
      logger.info(
        { code: outcome.code, reason: outcome.message, senderId: up.senderId, clientMsgId: up.clientMsgId, traceId },
        'send refused; reported to the origin connection',
      );
    } else {
      const { message, duplicate } = outcome;
      logger.debug(
        { conversationId: message.conversationId, seq: message.seq, duplicate, clientMsgId: up.clientMsgId, traceId },
        duplicate ? 'retried send acked again' : 'message stored and published',
      );
    }
  };
}

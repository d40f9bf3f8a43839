// The upstream topic's handler: each MessageUpstream record is one send, and the records of a partition that
// arrived together are sent as one batch. A refused send is answered through the downstream topic and counts as
// done; a failure of im-repo or Kafka is thrown, so lib's consumer retries the batch and does not commit its
// offsets until it went through.
import type { AnyConsumedEvent, ConsumedEvent } from '../../../lib/kafka';
import type { Logger } from '../../../lib/log';
import { traceIdOf } from '../../../lib/trace';
import type { MessageSender } from '../domain/message-sender';

export function upstreamBatchHandler(
  sender: MessageSender,
  logger: Logger,
): (events: AnyConsumedEvent[]) => Promise<void> {
  return async (events) => {
    const sends = events.filter((event): event is ConsumedEvent<'message.upstream'> => {
      if (event.type === 'message.upstream') return true;
      logger.warn({ eventType: event.type, offset: event.offset }, 'ignoring an event that is not message.upstream');
      return false;
    });
    const outcomes = await sender.sendBatch(
      sends.map(({ message: up, traceparent }) => ({
        cmd: {
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
        origin: { traceparent },
      })),
    );
    outcomes.forEach((outcome, i) => {
      const { message: up, traceparent } = sends[i] as ConsumedEvent<'message.upstream'>;
      const traceId = traceIdOf(traceparent);
      if (outcome instanceof Error) {
        logger.info(
          { code: outcome.code, reason: outcome.message, senderId: up.senderId, clientMsgId: up.clientMsgId, traceId },
          'send refused; reported to the origin connection',
        );
      } else if (logger.isLevelEnabled('debug')) {
        const { message, duplicate } = outcome;
        logger.debug(
          { conversationId: message.conversationId, seq: message.seq, duplicate, clientMsgId: up.clientMsgId, traceId },
          duplicate ? 'retried send acked again' : 'message stored and published',
        );
      }
    });
  };
}

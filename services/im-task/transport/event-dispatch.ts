// Routes each consumed domain event to its task. A record redelivered after a restart or rebalance is recognised
// by its event id and not pushed twice by this process; across processes the work stays harmless to repeat
// (indexing is idempotent, a repeated signal carries the same cause event id for clients to drop).
import { BoundedSet } from '../../../lib/bounded-map';
import type { AnyConsumedEvent, ConsumedEvent } from '../../../lib/kafka';
import type { Logger } from '../../../lib/log';
import { withTraceparent } from '../../../lib/telemetry';
import type { DerivedTasks } from '../domain/derived-tasks';
import type { RoutedPush } from '../domain/signal-router';

const REMEMBERED_EVENT_IDS = 10_000;

/**
 * The records of one partition that arrived together: runs of message.persist records are indexed in one repo
 * call (one transaction); every other event is handled on its own, in order.
 */
export function taskBatchHandler(tasks: DerivedTasks, logger: Logger): (events: AnyConsumedEvent[]) => Promise<void> {
  const handleOne = taskEventHandler(tasks, logger);
  return async (events) => {
    let run: Array<ConsumedEvent<'message.persist'>> = [];
    const indexRun = async (): Promise<void> => {
      const persisted = run;
      run = [];
      await indexPersisted(tasks, persisted, logger);
    };
    for (const event of events) {
      if (event.type === 'message.persist') {
        run.push(event);
        continue;
      }
      await indexRun();
      await handleOne(event);
    }
    await indexRun();
  };
}

export function taskEventHandler(tasks: DerivedTasks, logger: Logger): (event: AnyConsumedEvent) => Promise<void> {
  const done = new BoundedSet<string>(REMEMBERED_EVENT_IDS);
  return async (event) => {
    const eventId = event.meta?.eventId ?? '';
    if (eventId !== '' && done.has(eventId)) {
      logger.debug({ eventId, eventType: event.type }, 'event already handled; skipping');
      return;
    }
    const log = logger.child({ eventId, eventType: event.type, traceparent: event.traceparent });
    // The event's own span is the parent of what its task does (the pushes it makes), as for a lone record.
    const routed = await withTraceparent(event.traceparent, () => dispatch(tasks, event, log));
    if (routed !== undefined) {
      log.info(
        {
          gateways: [...routed.gateways.keys()],
          delivered: routed.deliveredUserIds.length,
          undelivered: routed.undeliveredUserIds.length,
          offline: routed.offlineUserIds.length,
        },
        'signal pushed',
      );
    }
    if (eventId !== '') done.add(eventId);
  };
}

async function dispatch(tasks: DerivedTasks, event: AnyConsumedEvent, log: Logger): Promise<RoutedPush | undefined> {
  switch (event.type) {
    case 'user.online':
      return tasks.presenceChanged({ online: true, event: event.message });
    case 'user.offline':
      return tasks.presenceChanged({ online: false, event: event.message });
    case 'message.read':
      return tasks.messageRead(event.message);
    case 'group.member.joined':
      return tasks.groupMemberChanged({ joined: true, event: event.message });
    case 'group.member.left':
      return tasks.groupMemberChanged({ joined: false, event: event.message });
    case 'friend.requested':
      return tasks.friendRequestChanged({ accepted: false, event: event.message });
    case 'friend.request.accepted':
      return tasks.friendRequestChanged({ accepted: true, event: event.message });
    case 'message.persist':
      await indexPersisted(tasks, [event], log);
      return undefined;
    default:
      log.warn('no task for this event type; skipping');
      return undefined;
  }
}

/** message.persist records -> one IndexMessages call for all of them; a record without a message is skipped. */
async function indexPersisted(
  tasks: DerivedTasks,
  events: ReadonlyArray<ConsumedEvent<'message.persist'>>,
  logger: Logger,
): Promise<void> {
  const entries = events.flatMap(({ message: { message, memberIds }, meta }) => {
    if (message !== undefined) return [{ message, memberIds }];
    logger.warn({ eventId: meta?.eventId }, 'message.persist without a message; nothing to index');
    return [];
  });
  const indexed = await tasks.indexStoredMessages(entries);
  if (indexed < entries.length) {
    logger.warn({ given: entries.length, indexed }, 'some persisted messages are not stored; not indexed');
  } else if (logger.isLevelEnabled('debug')) {
    for (const { message } of entries) {
      logger.debug({ conversationId: message.conversationId, seq: message.seq }, 'message indexed');
    }
  }
}

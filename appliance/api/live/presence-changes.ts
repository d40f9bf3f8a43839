// Presence changes as the console's Presence view receives them: taken from user.online / user.offline records the
// broker appends, the same facts im-task acts on.
import { UserOffline, UserOnline } from '../../../proto/gen/gochat/events/v1/events';
import type { BrokerRecord } from '../ports';
import { headerText, traceIdOf } from '../topics/record-decoder';
import type { PresenceChange } from '../contract';
export type { PresenceChange };

export function presenceChangeOf(record: BrokerRecord): PresenceChange | null {
  if (record.topic !== 'gochat.user-events' || !record.value) return null;
  const eventType = headerText(record, 'event-type');
  const traceId = traceIdOf(headerText(record, 'traceparent'));
  try {
    if (eventType === 'user.online') {
      const e = UserOnline.decode(record.value);
      return {
        userId: e.userId,
        status: 'online',
        gatewayId: e.gatewayId,
        connId: e.connId,
        atMs: e.onlineAtMs || record.timestampMs,
        reason: '',
        traceId,
      };
    }
    if (eventType === 'user.offline') {
      const e = UserOffline.decode(record.value);
      return {
        userId: e.userId,
        status: 'offline',
        gatewayId: e.gatewayId,
        connId: e.connId,
        atMs: e.offlineAtMs || record.timestampMs,
        reason: e.reason,
        traceId,
      };
    }
  } catch {
    // A record that does not decode is shown as such in the Topics view; presence ignores it.
  }
  return null;
}

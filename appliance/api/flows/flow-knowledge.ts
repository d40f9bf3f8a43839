// What the seed flows say about hops the appliance does not see on the wire: which service consumes each topic,
// and which im-repo call comes before each event. Used only to draw inferred (dashed) arrows.

/** topic -> the service that consumes it (gateways all consume downstream; each is drawn as it is seen). */
export const CONSUMER_OF: Record<string, string> = {
  'gochat.messages.upstream': 'im-logic',
  'gochat.messages.persist': 'im-task',
  'gochat.user-events': 'im-task',
  'gochat.message-events': 'im-task',
  'gochat.notifications': 'im-task',
};

/** Event type that caused a signal -> what im-task asks im-repo before pushing it. */
export const REPO_CALL_OF_TASK: Record<string, string> = {
  'user.online': 'GetUserFriends',
  'user.offline': 'GetUserFriends',
  'group.member.joined': 'GetGroupMembers',
  'group.member.left': 'GetGroupMembers',
};

/** Event type im-logic publishes -> the gateway's gRPC call that asked for it (HTTP / WS requests of clients). */
export const GATEWAY_RPC_OF: Record<string, string> = {
  'message.read': 'MarkAsRead',
  'group.member.joined': 'AddGroupMember',
  'group.member.left': 'RemoveGroupMember',
  'friend.requested': 'RequestFriendship',
  'friend.request.accepted': 'AnswerFriendship',
};

/** "im-gateway/gw-1" stays as is (several gateways); "im-logic/im-logic-1" becomes "im-logic". */
export function participantOfProducer(producer: string): string {
  if (!producer) return 'producer?';
  if (producer.startsWith('im-gateway')) {
    const id = producer.split('/')[1];
    return id ? `im-gateway/${id}` : 'im-gateway';
  }
  return producer.split('/')[0] ?? producer;
}

export function inferredCallsBefore(
  eventType: string,
  producer: string,
): { from: string; to: string; label: string }[] {
  switch (eventType) {
    case 'user.online':
      return [{ from: producer, to: 'im-repo', label: 'SetUserOnline' }];
    case 'user.offline':
      return [{ from: producer, to: 'im-repo', label: 'SetUserOffline' }];
    case 'message.persist':
    case 'message.downstream':
      return [{ from: producer, to: 'im-repo', label: 'SaveMessage' }];
    case 'message.read':
      return [{ from: producer, to: 'im-repo', label: 'UpdateReadPointer' }];
    case 'group.member.joined':
      return [{ from: producer, to: 'im-repo', label: 'AddGroupMember' }];
    case 'group.member.left':
      return [{ from: producer, to: 'im-repo', label: 'RemoveGroupMember' }];
    case 'friend.requested':
      return [{ from: producer, to: 'im-repo', label: 'RequestFriendship' }];
    case 'friend.request.accepted':
      return [{ from: producer, to: 'im-repo', label: 'AnswerFriendship' }];
    default:
      return [];
  }
}

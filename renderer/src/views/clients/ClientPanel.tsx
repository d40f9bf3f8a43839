// One simulated user's panel: a small chat app (friends with presence, conversations with unread counts, the
// messages with their receipts, a composer, group notices).
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { ClientView, SimConversation } from '../../api/types';
import { Empty, ErrorBox, Time } from '../../components/common';
import { useAction } from '../../hooks';
import { WithNames } from '../../names';
import { Composer } from './Composer';
import { MessageBubble } from './MessageBubble';

/** Messages from others past this user's read pointer. */
export function unreadCount(conversation: SimConversation, userId: string): number {
  return conversation.messages.filter((m) => m.senderId !== userId && m.seq > conversation.readSeq).length;
}

function Friends({ client, others, onAdd }: { client: ClientView; others: ClientView[]; onAdd: (id: string) => void }) {
  const strangers = others.filter(
    (o) => o.userId !== client.userId && !client.friends.some((f) => f.userId === o.userId),
  );
  return (
    <div className="friends small">
      {client.friends.map((f) => (
        <span key={f.userId} className="friend" data-friend={f.username} data-status={f.status} title={f.userId}>
          <span className={`dot ${f.status === 'online' ? 'ok' : 'idle'}`} /> {f.username}
        </span>
      ))}
      {strangers.length > 0 && (
        <select value="" onChange={(e) => e.target.value && onAdd(e.target.value)} aria-label="add friend">
          <option value="">+ friend</option>
          {strangers.map((s) => (
            <option key={s.userId} value={s.userId}>
              {s.username}
            </option>
          ))}
        </select>
      )}
      {client.friends.length === 0 && strangers.length === 0 && (
        <span className="muted">no friends yet: create another user to add one</span>
      )}
    </div>
  );
}

export function ClientPanel({ client, others }: { client: ClientView; others: ClientView[] }) {
  const [conversationId, setConversationId] = useState<string | null>(null);
  const action = useAction();
  const conversation =
    client.conversations.find((c) => c.conversationId === conversationId) ?? client.conversations[0] ?? null;
  // The panel follows the newest message, unless the user scrolled up to read older ones.
  const messagesRef = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const newest = conversation?.messages.at(-1);
  useEffect(() => {
    const box = messagesRef.current;
    if (box && following.current) box.scrollTop = box.scrollHeight;
  }, [conversation?.conversationId, conversation?.messages.length, newest?.seq]);
  const nameOf = (userId: string): string => client.names[userId] ?? userId;

  return (
    <section className="card client" data-client={client.username}>
      <header className="row">
        <span
          className={`dot ${client.connected ? 'ok' : 'bad'}`}
          title={client.connected ? 'connected' : 'disconnected'}
        />
        <h3 title={client.userId}>{client.username}</h3>
        <span className="muted small">{client.gatewayId}</span>
        <span className="spacer" />
        <button
          className="link"
          onClick={() =>
            action.run(() => api.clientAction(client.username, client.connected ? 'disconnect' : 'connect'))
          }
          data-action={client.connected ? 'disconnect' : 'connect'}
        >
          {client.connected ? 'disconnect' : 'connect'}
        </button>
        <button
          className="link"
          onClick={() => action.run(() => api.removeClient(client.username))}
          title="sign out and remove"
        >
          ×
        </button>
      </header>
      <ErrorBox error={action.error ?? client.lastError} onDismiss={action.clear} />
      <Friends client={client} others={others} onAdd={(id) => action.run(() => api.addFriend(client.username, id))} />
      {client.conversations.length > 0 && (
        <div className="tabs conv-tabs">
          {client.conversations.map((c) => {
            const unread = unreadCount(c, client.userId);
            return (
              <button
                key={c.conversationId}
                className={conversation?.conversationId === c.conversationId ? 'active' : ''}
                onClick={() => {
                  following.current = true;
                  setConversationId(c.conversationId);
                }}
                title={c.conversationId}
                data-conversation={c.title}
              >
                {c.title}
                {unread > 0 && (
                  <span className="unread" data-unread={unread} aria-label={`${unread} unread`}>
                    {unread}
                  </span>
                )}
              </button>
            );
          })}
        </div>
      )}
      <div
        className="messages"
        data-testid="messages"
        ref={messagesRef}
        onScroll={(e) => {
          const box = e.currentTarget;
          following.current = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
        }}
      >
        {!conversation && <Empty title="No conversations">Add a friend, then send a message below.</Empty>}
        {conversation?.messages.map((m) => (
          <MessageBubble key={m.clientMsgId || m.messageId} m={m} mine={m.senderId === client.userId} nameOf={nameOf} />
        ))}
      </div>
      {conversation && (
        <button
          className="small"
          onClick={() => action.run(() => api.read(client.username, conversation.conversationId))}
          data-action="read"
        >
          Mark read (up to #{conversation.messages.reduce((max, m) => Math.max(max, m.seq), 0)})
        </button>
      )}
      <Composer client={client} conversation={conversation} />
      {client.notices.length > 0 && (
        <ul className="notices small" data-testid="notices">
          {client.notices
            .slice(-5)
            .reverse()
            .map((n, i) => (
              <li key={i} data-signal={n.signalType}>
                <Time ms={n.atMs} /> <WithNames text={n.text} />{' '}
                {n.traceId && (
                  <a href={`#/flows?trace=${n.traceId}`} title="open the flow that caused this">
                    flow
                  </a>
                )}
              </li>
            ))}
        </ul>
      )}
    </section>
  );
}

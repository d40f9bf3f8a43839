// The send box of a client panel: the open conversation first, then each friend and group it is not already.
import { useState } from 'react';
import { api } from '../../api/client';
import type { ClientView, SimConversation } from '../../api/types';
import { ErrorBox } from '../../components/common';
import { useAction } from '../../hooks';

function p2pId(a: string, b: string): string {
  return a < b ? `p2p:${a}:${b}` : `p2p:${b}:${a}`;
}

export function Composer({ client, conversation }: { client: ClientView; conversation: SimConversation | null }) {
  const [target, setTarget] = useState('');
  const [text, setText] = useState('');
  const action = useAction();
  const openWith = conversation?.conversationId ?? '';
  const destinations = [
    ...client.friends.map((f) => ({
      value: `user:${f.userId}`,
      label: f.username,
      conversationId: p2pId(client.userId, f.userId),
    })),
    ...client.groups.map((g) => ({
      value: `group:${g.groupId}`,
      label: `group ${g.name}`,
      conversationId: `group:${g.groupId}`,
    })),
  ].filter((d) => d.conversationId !== openWith);
  const chosen = target || (conversation ? `conv:${conversation.conversationId}` : (destinations[0]?.value ?? ''));

  const send = () =>
    action.run(async () => {
      if (!text.trim()) throw new Error('type a message first');
      const [kind, id] = [chosen.slice(0, chosen.indexOf(':')), chosen.slice(chosen.indexOf(':') + 1)];
      const to = kind === 'user' ? { toUserId: id } : kind === 'group' ? { groupId: id } : { conversationId: id };
      await api.send(client.username, to, text);
      setText('');
    });

  return (
    <>
      <ErrorBox error={action.error} onDismiss={action.clear} />
      <div className="composer row">
        <select value={chosen} onChange={(e) => setTarget(e.target.value)} aria-label="send to">
          {conversation && <option value={`conv:${conversation.conversationId}`}>{conversation.title}</option>}
          {destinations.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>
        <input
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && send()}
          placeholder="message"
          aria-label={`message from ${client.username}`}
        />
        <button className="primary" onClick={send} disabled={action.busy || !chosen} data-action="send">
          Send
        </button>
      </div>
    </>
  );
}

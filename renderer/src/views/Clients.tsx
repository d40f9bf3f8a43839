// Clients: simulated users side by side. Each panel is a small chat app (conversations, send, ticks, friends'
// presence, group notices); the bar above creates users and runs the seed flows in one click.
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { ClientView, FlowRun, SimMessage } from '../api/types';
import { Empty, ErrorBox, Time } from '../components/common';
import { useAction, useAsync, useLive } from '../hooks';

const TICKS: Record<SimMessage['status'], string> = {
  sending: '…',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓ read',
  failed: '✗',
};

function ClientPanel({ client, others }: { client: ClientView; others: ClientView[] }) {
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [target, setTarget] = useState('');
  const [text, setText] = useState('');
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
  const strangers = others.filter(
    (o) => o.userId !== client.userId && !client.friends.some((f) => f.userId === o.userId),
  );
  // The open conversation is offered first; a friend or group it already is, is not offered a second time.
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
    <section className="card client" data-client={client.username}>
      <header className="row">
        <span
          className={`dot ${client.connected ? 'ok' : 'bad'}`}
          title={client.connected ? 'connected' : 'disconnected'}
        />
        <h3>{client.username}</h3>
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
      <div className="friends small">
        {client.friends.map((f) => (
          <span key={f.userId} className="friend" data-friend={f.username} data-status={f.status}>
            <span className={`dot ${f.status === 'online' ? 'ok' : 'idle'}`} /> {f.username}
          </span>
        ))}
        {strangers.length > 0 && (
          <select
            value=""
            onChange={(e) => e.target.value && action.run(() => api.addFriend(client.username, e.target.value))}
            aria-label="add friend"
          >
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
      {client.conversations.length > 0 && (
        <div className="tabs conv-tabs">
          {client.conversations.map((c) => (
            <button
              key={c.conversationId}
              className={conversation?.conversationId === c.conversationId ? 'active' : ''}
              onClick={() => {
                following.current = true;
                setConversationId(c.conversationId);
              }}
              title={c.conversationId}
            >
              {c.title}
            </button>
          ))}
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
        {conversation?.messages.map((m) => {
          const mine = m.senderId === client.userId;
          const sender = mine ? 'me' : (client.names[m.senderId] ?? m.senderId);
          return (
            <div
              key={m.clientMsgId || m.messageId}
              className={`bubble ${mine ? 'mine' : 'theirs'}`}
              data-message={m.body}
              data-status={m.status}
              data-seq={m.seq}
            >
              {!mine && <div className="muted small">{sender}</div>}
              <div>{m.body}</div>
              <div className="meta small">
                <Time ms={m.sentAtMs} /> {m.seq > 0 && <span>#{m.seq}</span>}{' '}
                {mine && <span className={`tick ${m.status}`}>{TICKS[m.status]}</span>}
                {m.traceId && (
                  <a href={`#/flows?trace=${m.traceId}`} title="open this message's flow">
                    flow
                  </a>
                )}
              </div>
              {m.error && <div className="error small">{m.error}</div>}
              {m.waitingFor && (
                <div className="muted small" data-waiting={m.waitingFor}>
                  {m.waitingFor}
                </div>
              )}
            </div>
          );
        })}
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
      {client.notices.length > 0 && (
        <ul className="notices small" data-testid="notices">
          {client.notices
            .slice(-5)
            .reverse()
            .map((n, i) => (
              <li key={i} data-signal={n.signalType}>
                <Time ms={n.atMs} /> {n.text}{' '}
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

function GroupBar({ clients }: { clients: ClientView[] }) {
  const [owner, setOwner] = useState('');
  const [name, setName] = useState('team');
  const [member, setMember] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const ownerClient = clients.find((c) => c.username === (owner || clients[0]?.username));
  if (!ownerClient) return null;
  const friends = ownerClient.friends;
  const sameName = ownerClient.groups.some((g) => g.name === name.trim());
  // Said before the click: a group needs members (friends of its creator) and a name not already used.
  const createProblem =
    friends.length === 0
      ? `${ownerClient.username} has no friends to put in a group yet`
      : name.trim() === ''
        ? 'name the group'
        : sameName
          ? `${ownerClient.username} already has a group "${name.trim()}"`
          : null;
  const run = (what: () => Promise<unknown>, success: string) => {
    setDone(null);
    action.run(async () => {
      await what();
      setDone(success);
    });
  };
  return (
    <div className="row wrap small">
      <span>Groups:</span>
      <select value={ownerClient.username} onChange={(e) => setOwner(e.target.value)} aria-label="group operator">
        {clients.map((c) => (
          <option key={c.username}>{c.username}</option>
        ))}
      </select>
      <input className="narrow" value={name} onChange={(e) => setName(e.target.value)} aria-label="group name" />
      <button
        disabled={createProblem !== null || action.busy}
        title={createProblem ?? undefined}
        data-action="create-group"
        onClick={() =>
          run(
            () =>
              api.createGroup(
                ownerClient.username,
                name.trim(),
                friends.map((f) => f.userId),
              ),
            `created "${name.trim()}": ${ownerClient.username} and ${friends.length} friend${friends.length === 1 ? '' : 's'}`,
          )
        }
      >
        create with friends
      </button>
      {createProblem && <span className="muted">{createProblem}</span>}
      {ownerClient.groups.length > 0 && (
        <>
          <select value={member} onChange={(e) => setMember(e.target.value)} aria-label="member to add">
            <option value="">user to add…</option>
            {clients
              .filter((c) => c.userId !== ownerClient.userId)
              .map((c) => (
                <option key={c.userId} value={c.userId}>
                  {c.username}
                </option>
              ))}
          </select>
          <button
            disabled={!member}
            onClick={() =>
              run(
                () =>
                  api.addGroupMember(
                    ownerClient.username,
                    ownerClient.groups[ownerClient.groups.length - 1]!.groupId,
                    member,
                  ),
                `added ${clients.find((c) => c.userId === member)?.username ?? member} to ${ownerClient.groups[ownerClient.groups.length - 1]!.name}`,
              )
            }
          >
            add to {ownerClient.groups[ownerClient.groups.length - 1]!.name}
          </button>
        </>
      )}
      {done && !action.error && (
        <span className="ok-text" data-testid="group-done">
          {done}
        </span>
      )}
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </div>
  );
}

export function ClientsView() {
  const initial = useAsync(api.clients);
  const [clients, setClients] = useState<Map<string, ClientView> | null>(null);
  const [username, setUsername] = useState('');
  const [count, setCount] = useState(1);
  const [prefix, setPrefix] = useState('demo-');
  const [runs, setRuns] = useState<FlowRun[]>([]);
  const create = useAction();
  const flow = useAction();

  const known = clients ?? new Map((initial.data?.clients ?? []).map((c) => [c.username, c]));
  useLive((m) => {
    if (m.type !== 'client' && m.type !== 'client-removed') return;
    // Build on the latest state, not this render's: several updates can arrive before React renders again.
    setClients((previous) => {
      const next = new Map(previous ?? known);
      if (m.type === 'client') next.set(m.client.username, m.client);
      else next.delete(m.username);
      return next;
    });
  });
  const list = [...known.values()];
  const createProblem = !/^[a-z0-9_.-]{3,32}$/.test(username)
    ? 'a username is 3-32 characters of a-z 0-9 _ . -'
    : !Number.isInteger(count) || count < 1 || count > 50
      ? '"how many" is a whole number from 1 to 50'
      : null;

  const refresh = async () => {
    const r = await api.clients();
    setClients(new Map(r.clients.map((c) => [c.username, c])));
  };

  return (
    <div className="view" data-testid="clients">
      <h1>Clients</h1>
      <section className="card">
        <div className="row wrap">
          <input
            data-search
            value={username}
            onChange={(e) => setUsername(e.target.value.toLowerCase())}
            placeholder="username (a-z 0-9 _ . -)"
            aria-label="new username"
          />
          <input
            className="narrow"
            type="number"
            min={1}
            max={50}
            value={count}
            onChange={(e) => setCount(Number(e.target.value))}
            aria-label="how many"
          />
          <button
            className="primary"
            disabled={create.busy || createProblem !== null}
            title={createProblem ?? undefined}
            onClick={() =>
              create.run(async () => {
                flow.clear();
                if (count === 1 && known.has(username))
                  throw new Error(`"${username}" is already a simulated client: its panel is below`);
                await api.createClients(username, count);
                setUsername('');
                await refresh();
              })
            }
            data-action="create-client"
          >
            {create.busy ? 'Signing in…' : count > 1 ? `Create ${count} users` : 'Create user'}
          </button>
          {createProblem && username !== '' && <span className="muted small">{createProblem}</span>}
          <span className="spacer" />
          <span className="small">Seed flows:</span>
          <input
            className="narrow"
            value={prefix}
            onChange={(e) => setPrefix(e.target.value.toLowerCase())}
            aria-label="seed flow user prefix"
            title="users are named <prefix>alice, <prefix>bob, <prefix>carol"
          />
          {(['user-online', 'send-and-read', 'group-member-added'] as const).map((name) => (
            <button
              key={name}
              disabled={flow.busy}
              data-flow={name}
              onClick={() =>
                flow.run(async () => {
                  create.clear();
                  const run = await api.runSeedFlow(name, prefix);
                  setRuns((r) => [run, ...r].slice(0, 5));
                  await refresh();
                })
              }
            >
              {name}
            </button>
          ))}
        </div>
        <ErrorBox
          error={create.error ?? flow.error ?? initial.error}
          onDismiss={() => (create.clear(), flow.clear())}
        />
        {list.length > 1 && <GroupBar clients={list} />}
        {runs.map((run, i) => (
          <div
            key={i}
            className={`run ${run.ok ? 'ok' : 'bad'}`}
            data-run={run.flow}
            data-ok={run.ok ? 'true' : 'false'}
          >
            <strong>{run.flow}</strong> {run.ok ? 'passed' : 'failed'}:{' '}
            {run.steps.map((s, j) => (
              <span key={j} className={s.ok ? 'ok-text' : 'bad-text'}>
                {s.ok ? '✓' : '✗'} {s.label} — {s.detail}
                {s.traceId && (
                  <a href={`#/flows?trace=${s.traceId}`} className="small">
                    {' '}
                    flow
                  </a>
                )}
                {'; '}
              </span>
            ))}
          </div>
        ))}
      </section>
      {list.length === 0 && !initial.loading && (
        <Empty title="No simulated users yet">
          Create one or two users above (each signs in through a gateway like a real client), or click a seed flow to
          set up alice, bob and carol.
        </Empty>
      )}
      <div className="clients-grid">
        {list.map((c) => (
          <ClientPanel key={c.username} client={c} others={list} />
        ))}
      </div>
    </div>
  );
}

function p2pId(a: string, b: string): string {
  return a < b ? `p2p:${a}:${b}` : `p2p:${b}:${a}`;
}

// The groups row of the Clients set-up bar: create a group of an operator's friends, add a member to its newest.
import { useState } from 'react';
import { api } from '../../api/client';
import type { ClientView } from '../../api/types';
import { ErrorBox } from '../../components/common';
import { useAction } from '../../hooks';

export function GroupBar({ clients }: { clients: ClientView[] }) {
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

// The Clients set-up bar: one user or a few, a whole team at once ("N users, all friends, in a group of M", through
// the appliance's bulk seeding), and the seed flows in one click.
import { useState } from 'react';
import { api } from '../../api/client';
import { ErrorBox } from '../../components/common';
import { useAction } from '../../hooks';
import { session } from '../../session';

const USERNAME = /^[a-z0-9_.-]{3,32}$/;

/** Why a team cannot be created as typed, said before the click; null when it can. */
export function teamProblem(name: string, size: number, groupSize: number, taken: (u: string) => boolean) {
  if (!/^[a-z0-9_.-]{3,30}$/.test(name)) return 'a team name is 3-30 characters of a-z 0-9 _ . -';
  if (!Number.isInteger(size) || size < 2 || size > 50) return 'a team has 2 to 50 users';
  if (!Number.isInteger(groupSize) || groupSize < 0 || groupSize > size)
    return `the group has 0 (none) to ${size} members`;
  if (groupSize === 1) return 'a group needs at least 2 members';
  if (Array.from({ length: size }, (_, i) => `${name}${i + 1}`).some(taken)) return `team "${name}" exists already`;
  return null;
}

export function SetupBar({ known, refresh }: { known: (username: string) => boolean; refresh: () => Promise<void> }) {
  const [username, setUsername] = useState('');
  const [count, setCount] = useState(1);
  const [team, setTeam] = useState({ name: 'team', size: 4, groupSize: 4 });
  const [teamDone, setTeamDone] = useState<string | null>(null);
  const [prefix, setPrefix] = useState('demo-');
  const create = useAction();
  const flow = useAction();
  const createProblem = !USERNAME.test(username)
    ? 'a username is 3-32 characters of a-z 0-9 _ . -'
    : !Number.isInteger(count) || count < 1 || count > 50
      ? '"how many" is a whole number from 1 to 50'
      : null;
  const teamError = teamProblem(team.name, team.size, team.groupSize, known);
  const clearAll = () => (create.clear(), flow.clear(), setTeamDone(null));

  return (
    <>
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
              clearAll();
              if (count === 1 && known(username))
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
                clearAll();
                session.addRun(await api.runSeedFlow(name, prefix));
                await refresh();
              })
            }
          >
            {name}
          </button>
        ))}
      </div>
      <div className="row wrap small" data-testid="team-bar">
        <span>Team:</span>
        <input
          className="narrow"
          value={team.name}
          onChange={(e) => setTeam({ ...team, name: e.target.value.toLowerCase() })}
          aria-label="team name"
          title="users are named <team>1 .. <team>N; the group is named <team>"
        />
        <input
          className="narrow"
          type="number"
          min={2}
          max={50}
          value={team.size}
          onChange={(e) => setTeam({ ...team, size: Number(e.target.value) })}
          aria-label="team size"
        />
        <span>users, all friends, in a group of</span>
        <input
          className="narrow"
          type="number"
          min={0}
          max={team.size}
          value={team.groupSize}
          onChange={(e) => setTeam({ ...team, groupSize: Number(e.target.value) })}
          aria-label="team group size"
        />
        <button
          disabled={create.busy || teamError !== null}
          title={teamError ?? undefined}
          data-action="create-team"
          onClick={() =>
            create.run(async () => {
              clearAll();
              const { clients } = await api.createClients(team.name, team.size, {
                friends: true,
                ...(team.groupSize >= 2 ? { groupSize: team.groupSize } : {}),
              });
              await refresh();
              setTeamDone(
                `created ${clients.length} users, all friends` +
                  (team.groupSize >= 2 ? `, ${team.groupSize} of them in group "${team.name}"` : ''),
              );
            })
          }
        >
          {create.busy ? 'Creating…' : 'Create team'}
        </button>
        {teamError && <span className="muted">{teamError}</span>}
        {teamDone && !create.error && (
          <span className="ok-text" data-testid="team-done">
            {teamDone}
          </span>
        )}
      </div>
      <ErrorBox error={create.error ?? flow.error} onDismiss={clearAll} />
    </>
  );
}

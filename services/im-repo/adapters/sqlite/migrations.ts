// Schema migrations, applied in order; never edit one that has shipped, add a new one.
export const MIGRATIONS: readonly string[] = [
  // 1: users, friends, groups, messages, seqs, read pointers, conversation index
  `
  CREATE TABLE users (
    user_id       TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
  );

  -- Friendship is mutual and stored in both directions, so "friends of X" is one index range.
  CREATE TABLE friends (
    user_id   TEXT NOT NULL REFERENCES users(user_id),
    friend_id TEXT NOT NULL REFERENCES users(user_id),
    since_ms  INTEGER NOT NULL,
    PRIMARY KEY (user_id, friend_id)
  ) WITHOUT ROWID;

  CREATE TABLE groups (
    group_id      TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    owner_id      TEXT NOT NULL REFERENCES users(user_id),
    created_at_ms INTEGER NOT NULL
  );

  CREATE TABLE group_members (
    group_id     TEXT NOT NULL REFERENCES groups(group_id),
    user_id      TEXT NOT NULL REFERENCES users(user_id),
    role         INTEGER NOT NULL,
    joined_at_ms INTEGER NOT NULL,
    joined_seq   INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX group_members_by_user ON group_members(user_id);

  -- The authoritative max seq of each conversation; seqs are handed out only by incrementing it in the same
  -- transaction that uses them, so none is ever handed out twice.
  CREATE TABLE conversation_seqs (
    conversation_id TEXT PRIMARY KEY,
    max_seq         INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE messages (
    message_id        TEXT PRIMARY KEY,
    conversation_id   TEXT NOT NULL,
    conversation_type INTEGER NOT NULL,
    seq               INTEGER NOT NULL,
    sender_id         TEXT NOT NULL,
    client_msg_id     TEXT NOT NULL,
    content_type      TEXT NOT NULL,
    body              TEXT NOT NULL,
    sent_at_ms        INTEGER NOT NULL,
    UNIQUE (conversation_id, seq),
    UNIQUE (sender_id, client_msg_id)
  );

  CREATE TABLE user_read_pointers (
    user_id         TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    read_seq        INTEGER NOT NULL,
    updated_at_ms   INTEGER NOT NULL,
    PRIMARY KEY (user_id, conversation_id)
  ) WITHOUT ROWID;

  -- Which conversations each user takes part in (written by IndexMessage), newest activity first.
  CREATE TABLE user_conversations (
    user_id           TEXT NOT NULL,
    conversation_id   TEXT NOT NULL,
    conversation_type INTEGER NOT NULL,
    last_seq          INTEGER NOT NULL,
    updated_at_ms     INTEGER NOT NULL,
    PRIMARY KEY (user_id, conversation_id)
  ) WITHOUT ROWID;
  CREATE INDEX user_conversations_by_activity ON user_conversations(user_id, updated_at_ms DESC);
  `,
  // 2: when a message's delivery was published, so a retry of a send that died after storing is delivered again
  `
  ALTER TABLE messages ADD COLUMN dispatched_at_ms INTEGER;
  `,
  // 3: friendship by consent: a request waits here until its recipient answers
  `
  CREATE TABLE friend_requests (
    from_user_id    TEXT NOT NULL,
    to_user_id      TEXT NOT NULL,
    requested_at_ms INTEGER NOT NULL,
    PRIMARY KEY (from_user_id, to_user_id)
  ) WITHOUT ROWID;
  CREATE INDEX friend_requests_by_recipient ON friend_requests(to_user_id, requested_at_ms);
  `,
];

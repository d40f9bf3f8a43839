// Registration, login and token checks.
import type { User } from '../../../proto/gen/gochat/common/v1/common';
import { InvalidField, Unauthenticated } from './errors';
import { hashPassword, verifyPassword } from './password';
import type { Clock, UserDirectory } from './ports';
import type { TokenSigner } from './token';

export const USERNAME_PATTERN = /^[a-z0-9_.-]{3,32}$/;
export const MIN_PASSWORD_LENGTH = 8;
/** scrypt cost grows with input length only slightly, but an unbounded field invites abuse. */
export const MAX_PASSWORD_LENGTH = 256;
export const MAX_DISPLAY_NAME_LENGTH = 64;
const BAD_CREDENTIALS = 'username or password is wrong';

export class Accounts {
  /** A real hash of nothing, compared against when the username is unknown so both cases cost the same. */
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UserDirectory,
    private readonly tokens: TokenSigner,
    private readonly clock: Clock,
  ) {}

  async register(req: { username: string; password: string; displayName: string }): Promise<User> {
    if (!USERNAME_PATTERN.test(req.username)) {
      throw new InvalidField('username', 'must be 3-32 characters of a-z, 0-9, "_", "." or "-"');
    }
    checkPassword(req.password);
    const displayName = req.displayName.trim() === '' ? req.username : req.displayName.trim();
    if (displayName.length > MAX_DISPLAY_NAME_LENGTH) {
      throw new InvalidField('display_name', `must be at most ${MAX_DISPLAY_NAME_LENGTH} characters`);
    }
    const passwordHash = await hashPassword(req.password);
    return this.users.createUser({ username: req.username, displayName, passwordHash });
  }

  async login(req: {
    username: string;
    password: string;
  }): Promise<{ user: User; token: string; expiresAtMs: number }> {
    if (req.username === '') throw new InvalidField('username', 'is required');
    if (req.password === '') throw new InvalidField('password', 'is required');
    if (req.password.length > MAX_PASSWORD_LENGTH) throw new Unauthenticated(BAD_CREDENTIALS);
    const credential = await this.users.getCredential(req.username);
    if (credential === undefined) {
      await verifyPassword(req.password, await this.decoy());
      throw new Unauthenticated(BAD_CREDENTIALS);
    }
    if (!(await verifyPassword(req.password, credential.passwordHash))) throw new Unauthenticated(BAD_CREDENTIALS);
    const { token, expiresAtMs } = this.tokens.issue(credential.user.userId, this.clock.nowMs());
    return { user: credential.user, token, expiresAtMs };
  }

  async verifyToken(token: string): Promise<{ user: User; expiresAtMs: number }> {
    if (token === '') throw new InvalidField('token', 'is required');
    const claims = this.tokens.verify(token, this.clock.nowMs());
    const [user] = await this.users.getUsers([claims.userId]);
    if (user === undefined) throw new Unauthenticated('token names a user that no longer exists');
    return { user, expiresAtMs: claims.expiresAtMs };
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= hashPassword('decoy password, never matches');
    return this.decoyHash;
  }
}

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidField('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidField('password', `must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}

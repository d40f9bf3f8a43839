// Registration, login and token checks.
import type { User } from '../../../proto/gen/gochat/common/v1/common';
import {
  checkPassword,
  checkUsername,
  DISPLAY_NAME_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  USERNAME_PATTERN,
} from '../../../lib/limits';
import { InvalidField, Unauthenticated } from './errors';
import { hashPassword, verifyPassword } from './password';
import type { Clock, UserDirectory } from './ports';
import type { TokenSigner } from './token';

export { checkPassword, USERNAME_PATTERN };
export const MAX_DISPLAY_NAME_LENGTH = DISPLAY_NAME_MAX_LENGTH;
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
    checkUsername(req.username);
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
    if (req.password.length > PASSWORD_MAX_LENGTH) throw new Unauthenticated(BAD_CREDENTIALS);
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

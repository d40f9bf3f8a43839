// The JSON API under /api. Each route decodes and checks its input, calls im-logic and shapes the answer;
// errors are turned into responses in one place (error-mapping.ts).
import { noteOnActiveSpan } from '../../../lib/telemetry';
import type { IncomingMessage } from 'node:http';
import { GroupRole, type User } from '../../../proto/gen/gochat/common/v1/common';
import { assertConversationId, type SendDestination } from '../domain/conversation-id';
import { InvalidArgument, NotFound, Unauthenticated } from '../../../lib/errors';
import { GatewayErrorCode } from '../domain/errors';
import type { LogicApi } from '../domain/ports';
import { checkBody, checkClientMsgId, checkContentType, historyPageSize, searchPageSize } from '../../../lib/limits';
import {
  bearerToken,
  optionalString,
  queryInteger,
  readJsonBody,
  requiredInteger,
  requiredString,
  stringArray,
} from './http-request';
import { conversationView, groupView, memberView, messageView, presenceName, userView } from './views';

export interface ApiResult {
  status: number;
  body: unknown;
}

interface RouteContext {
  /** im-logic; each call joins this request's span (active while the route runs). */
  logic: LogicApi;
  req: IncomingMessage;
  url: URL;
  params: string[];
  /** Present on routes that require a token. */
  user: User;
  body: () => Promise<Record<string, unknown>>;
}

interface Route {
  method: string;
  path: RegExp;
  public?: boolean;
  handle: (ctx: RouteContext) => Promise<ApiResult>;
}

export interface HttpApiOptions {
  gatewayId: string;
  logic: LogicApi;
  health: () => { status: 'ok' | 'degraded'; connections: number };
}

const ok = (body: unknown): ApiResult => ({ status: 200, body });
const created = (body: unknown): ApiResult => ({ status: 201, body });

function parseRole(value: unknown): GroupRole {
  if (value === undefined || value === 'member') return GroupRole.GROUP_ROLE_MEMBER;
  if (value === 'admin') return GroupRole.GROUP_ROLE_ADMIN;
  throw new InvalidArgument('"role" must be "member" or "admin"');
}

function parseDestination(o: Record<string, unknown>): SendDestination {
  const to = o.to;
  if (typeof to !== 'object' || to === null || Array.isArray(to)) {
    throw new InvalidArgument('"to" must be an object with one of userId, groupId, conversationId');
  }
  const t = to as Record<string, unknown>;
  const keys = (['userId', 'groupId', 'conversationId'] as const).filter((k) => t[k] !== undefined);
  if (keys.length !== 1) throw new InvalidArgument('"to" must name exactly one of userId, groupId, conversationId');
  const key = keys[0]!;
  const value = requiredString(t, key);
  if (key === 'userId') return { userId: value };
  if (key === 'groupId') return { groupId: value };
  return { conversationId: assertConversationId(value, 'to.conversationId') };
}

export function buildRoutes(o: HttpApiOptions): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/api\/health$/,
      public: true,
      handle: async () => ok({ gatewayId: o.gatewayId, ...o.health() }),
    },
    {
      method: 'POST',
      path: /^\/api\/register$/,
      public: true,
      handle: async ({ body, logic }) => {
        const b = await body();
        const res = await logic.register({
          username: requiredString(b, 'username', 32),
          password: requiredString(b, 'password', 200),
          displayName: optionalString(b, 'displayName', 64) ?? '',
        });
        return created({ user: userView(res.user) });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/login$/,
      public: true,
      handle: async ({ body, logic }) => {
        const b = await body();
        const res = await logic.login({
          username: requiredString(b, 'username', 32),
          password: requiredString(b, 'password', 200),
        });
        return ok({ user: userView(res.user), token: res.token, expiresAtMs: res.expiresAtMs });
      },
    },
    { method: 'GET', path: /^\/api\/me$/, handle: async ({ user }) => ok({ user: userView(user) }) },
    {
      method: 'GET',
      path: /^\/api\/friends$/,
      handle: async ({ user, logic }) => {
        const res = await logic.listFriends({ userId: user.userId });
        return ok({
          friends: res.friends.map((f) => ({
            user: userView(f.user),
            status: presenceName(f.status),
            sinceMs: f.sinceMs,
          })),
        });
      },
    },
    {
      // Friendship needs the other user's consent: this asks (202, "pending"); it befriends at once (201,
      // "friends") only when the other user had already asked the caller.
      method: 'POST',
      path: /^\/api\/friends$/,
      handle: async ({ user, body, logic }) => {
        const { outcome } = await logic.requestFriendship({
          userId: user.userId,
          friendId: requiredString(await body(), 'userId'),
        });
        if (outcome === 'pending') return { status: 202, body: { status: 'pending' } };
        return outcome === 'accepted' ? created({ status: 'friends' }) : ok({ status: 'friends' });
      },
    },
    {
      method: 'GET',
      path: /^\/api\/friends\/requests$/,
      handle: async ({ user, logic }) => {
        const res = await logic.listFriendshipRequests({ userId: user.userId });
        return ok({
          incoming: res.incoming.map((r) => ({ user: userView(r.fromUser), requestedAtMs: r.requestedAtMs })),
          outgoing: res.outgoing.map((r) => ({ user: userView(r.toUser), requestedAtMs: r.requestedAtMs })),
        });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/friends\/requests\/([^/]+)$/,
      handle: async ({ user, params, body, logic }) => {
        const accept = (await body()).accept;
        if (typeof accept !== 'boolean') throw new InvalidArgument('"accept" must be true or false');
        const res = await logic.answerFriendship({ userId: user.userId, fromUserId: params[0]!, accept });
        return ok({ accepted: res.accepted });
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/friends\/([^/]+)$/,
      handle: async ({ user, params, logic }) =>
        ok(await logic.removeFriend({ userId: user.userId, friendId: params[0]! })),
    },
    {
      method: 'GET',
      path: /^\/api\/users$/,
      handle: async ({ url, logic }) => {
        const res = await logic.searchUsers({
          query: url.searchParams.get('query') ?? '',
          limit: searchPageSize(queryInteger(url.searchParams, 'limit', 0)),
        });
        return ok({ users: res.users.map(userView) });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/groups$/,
      handle: async ({ user, body, logic }) => {
        const b = await body();
        const res = await logic.createGroup({
          operatorId: user.userId,
          name: requiredString(b, 'name', 100),
          memberIds: stringArray(b, 'memberIds', 500),
        });
        return created({ group: groupView(res.group), members: res.members.map(memberView) });
      },
    },
    {
      method: 'GET',
      path: /^\/api\/groups$/,
      handle: async ({ user, logic }) =>
        ok({ groups: (await logic.listUserGroups({ userId: user.userId })).groups.map(groupView) }),
    },
    {
      method: 'GET',
      path: /^\/api\/groups\/([^/]+)\/members$/,
      handle: async ({ user, params, logic }) => {
        const res = await logic.listGroupMembers({ operatorId: user.userId, groupId: params[0]! });
        return ok({ members: res.members.map(memberView), users: res.users.map(userView) });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/groups\/([^/]+)\/members$/,
      handle: async ({ user, params, body, logic }) => {
        const b = await body();
        const res = await logic.addGroupMember({
          operatorId: user.userId,
          groupId: params[0]!,
          userId: requiredString(b, 'userId'),
          role: parseRole(b.role),
        });
        const view = {
          member: res.member ? memberView(res.member) : null,
          alreadyMember: res.alreadyMember,
          memberCount: res.memberCount,
        };
        return res.alreadyMember ? ok(view) : created(view);
      },
    },
    {
      method: 'GET',
      path: /^\/api\/conversations$/,
      handle: async ({ user, logic }) =>
        ok({
          conversations: (await logic.getConversations({ userId: user.userId })).conversations.map(conversationView),
        }),
    },
    {
      method: 'GET',
      path: /^\/api\/conversations\/([^/]+)\/messages$/,
      handle: async ({ user, params, url, logic }) => {
        const q = url.searchParams;
        const res = await logic.getHistory({
          userId: user.userId,
          conversationId: assertConversationId(params[0]!),
          fromSeq: queryInteger(q, 'from_seq', 1),
          toSeq: queryInteger(q, 'to_seq', 0),
          limit: historyPageSize(queryInteger(q, 'limit', 0)),
        });
        return ok({ messages: res.messages.map(messageView), maxSeq: res.maxSeq, hasMore: res.hasMore });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/conversations\/([^/]+)\/read$/,
      handle: async ({ user, params, body, logic }) => {
        const res = await logic.markAsRead({
          userId: user.userId,
          conversationId: assertConversationId(params[0]!),
          seq: requiredInteger(await body(), 'seq', 0),
        });
        return ok({ readSeq: res.readSeq, advanced: res.advanced, maxSeq: res.maxSeq, unreadCount: res.unreadCount });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/messages$/,
      handle: async ({ user, body, logic }) => {
        const b = await body();
        const to = parseDestination(b);
        if (typeof b.body !== 'string') throw new InvalidArgument('"body" must be a string');
        // The same rules as a send frame (lib/limits.ts).
        const text = checkBody(b.body);
        const clientMsgId = checkClientMsgId(requiredString(b, 'clientMsgId', 1000));
        const contentType = checkContentType(optionalString(b, 'contentType', 1000) ?? '');
        const res = await logic.sendMessage({
          senderId: user.userId,
          toUserId: 'userId' in to ? to.userId : '',
          groupId: 'groupId' in to ? to.groupId : '',
          conversationId: 'conversationId' in to ? to.conversationId : '',
          clientMsgId,
          contentType,
          body: text,
          originGatewayId: o.gatewayId,
          originConnId: '',
        });
        const view = { message: res.message ? messageView(res.message) : null, duplicate: res.duplicate };
        return res.duplicate ? ok(view) : created(view);
      },
    },
  ];
}

/** Finds the route for a request and runs it; throws domain errors for the caller to map. */
export async function dispatch(routes: Route[], logic: LogicApi, req: IncomingMessage, url: URL): Promise<ApiResult> {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.path.exec(url.pathname);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== req.method) continue;
    let params: string[];
    try {
      params = m.slice(1).map((p) => decodeURIComponent(p));
    } catch (err) {
      throw new InvalidArgument('the path is not valid percent-encoding', { cause: err });
    }
    let user: User = { userId: '', username: '', displayName: '', createdAtMs: 0 };
    if (!route.public) {
      const token = bearerToken(req, url, false);
      if (!token) throw new Unauthenticated('an "Authorization: Bearer <token>" header is required');
      user = await logic.verify(token);
      noteOnActiveSpan({ 'gochat.user_id': user.userId });
    }
    let bodyPromise: Promise<Record<string, unknown>> | undefined;
    const body = () => (bodyPromise ??= readJsonBody(req));
    return route.handle({ req, url, params, user, body, logic });
  }
  if (pathMatched)
    throw new InvalidArgument(`${req.method} is not allowed on ${url.pathname}`, {
      code: GatewayErrorCode.methodNotAllowed,
    });
  throw new NotFound(`no route for ${req.method} ${url.pathname}`);
}

// Every event of proto/gochat/events/v1/events.proto: its type string, topic, full protobuf name and codec.
// Producers, consumers and the console all decode records through this one table.
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import type { EventMeta } from '../../proto/gen/gochat/common/v1/common';
import {
  FriendRequestAccepted,
  FriendRequested,
  GroupMemberJoined,
  GroupMemberLeft,
  MessageDownstream,
  MessagePersist,
  MessageRead,
  MessageUpstream,
  UserOffline,
  UserOnline,
} from '../../proto/gen/gochat/events/v1/events';
import { Topics, type TopicName } from './topics';

/** The message carried by each event type. */
export interface EventMessages {
  'user.online': UserOnline;
  'user.offline': UserOffline;
  'message.read': MessageRead;
  'group.member.joined': GroupMemberJoined;
  'group.member.left': GroupMemberLeft;
  'friend.requested': FriendRequested;
  'friend.request.accepted': FriendRequestAccepted;
  'message.upstream': MessageUpstream;
  'message.persist': MessagePersist;
  'message.downstream': MessageDownstream;
}

export type EventType = keyof EventMessages;

export interface EventCodec<T> {
  encode(message: T): Uint8Array;
  decode(bytes: Uint8Array): T;
  toJSON(message: T): unknown;
  fromPartial(partial: object): T;
}

export interface EventDescriptor<K extends EventType = EventType> {
  type: K;
  topic: TopicName;
  /** Full protobuf name, e.g. "gochat.events.v1.UserOnline". */
  messageType: string;
  codec: EventCodec<EventMessages[K]>;
}

interface Fns<T> {
  encode(message: T, writer?: BinaryWriter): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  toJSON(message: T): unknown;
  fromPartial(object: never): T;
}

// One writer for every event encoded in this process (encoding is synchronous, so calls never overlap): a new one
// per event starts at 128 bytes and doubles, copying, up to a message's size (three times for a downstream record);
// this one stays at the largest size seen, and finish() copies out just the message's bytes.
const writer = new BinaryWriter();

function codecOf<T>(fns: Fns<T>): EventCodec<T> {
  return {
    encode: (message) => {
      try {
        return fns.encode(message, writer).finish();
      } catch (err) {
        writer.finish(); // a throw midway would leave its bytes for the next event
        throw err;
      }
    },
    decode: (bytes) => fns.decode(bytes),
    toJSON: (message) => fns.toJSON(message),
    fromPartial: (partial) => fns.fromPartial(partial as never),
  };
}

function describe<K extends EventType>(
  type: K,
  topic: TopicName,
  name: string,
  fns: Fns<EventMessages[K]>,
): EventDescriptor<K> {
  return { type, topic, messageType: `gochat.events.v1.${name}`, codec: codecOf(fns) };
}

export const EVENT_REGISTRY: { readonly [K in EventType]: EventDescriptor<K> } = {
  'user.online': describe('user.online', Topics.userEvents, 'UserOnline', UserOnline),
  'user.offline': describe('user.offline', Topics.userEvents, 'UserOffline', UserOffline),
  'message.read': describe('message.read', Topics.messageEvents, 'MessageRead', MessageRead),
  'group.member.joined': describe('group.member.joined', Topics.notifications, 'GroupMemberJoined', GroupMemberJoined),
  'group.member.left': describe('group.member.left', Topics.notifications, 'GroupMemberLeft', GroupMemberLeft),
  'friend.requested': describe('friend.requested', Topics.notifications, 'FriendRequested', FriendRequested),
  'friend.request.accepted': describe(
    'friend.request.accepted',
    Topics.notifications,
    'FriendRequestAccepted',
    FriendRequestAccepted,
  ),
  'message.upstream': describe('message.upstream', Topics.messagesUpstream, 'MessageUpstream', MessageUpstream),
  'message.persist': describe('message.persist', Topics.messagesPersist, 'MessagePersist', MessagePersist),
  'message.downstream': describe(
    'message.downstream',
    Topics.messagesDownstream,
    'MessageDownstream',
    MessageDownstream,
  ),
};

export const EVENT_TYPES = Object.keys(EVENT_REGISTRY) as EventType[];

export function isEventType(value: string): value is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_REGISTRY, value);
}

export function contentTypeOf(type: EventType): string {
  return `application/x-protobuf; messageType=${EVENT_REGISTRY[type].messageType}`;
}

/** The event type whose message is named in a content-type header, if any. */
export function eventTypeOfContentType(contentType: string | undefined): EventType | undefined {
  const match = contentType ? /messageType=([\w.]+)/.exec(contentType) : null;
  if (!match) return undefined;
  return EVENT_TYPES.find((type) => EVENT_REGISTRY[type].messageType === match[1]);
}

/** Every event message starts with its EventMeta in field 1. */
export type EventMessage = EventMessages[EventType];

export type DecodedRecord =
  { ok: true; type: EventType; message: EventMessage; meta: EventMeta | undefined } | { ok: false; reason: string };

/**
 * Decodes a record value by its "event-type" header (or, failing that, its content-type), checking that the record
 * sits on the topic its type belongs to. Never throws: a record that cannot be decoded comes back with the reason.
 */
export function decodeRecord(
  topic: string,
  headers: Readonly<Record<string, string | undefined>>,
  value: Uint8Array | null | undefined,
): DecodedRecord {
  const declared = headers['event-type'];
  let type: EventType | undefined;
  if (declared !== undefined) {
    if (!isEventType(declared)) return { ok: false, reason: `unknown event-type header "${declared}"` };
    type = declared;
  } else {
    type = eventTypeOfContentType(headers['content-type']);
    if (!type) return { ok: false, reason: 'no event-type header and no known messageType in content-type' };
  }
  const descriptor = EVENT_REGISTRY[type];
  if (descriptor.topic !== topic) {
    return { ok: false, reason: `event type "${type}" belongs on ${descriptor.topic}, not ${topic}` };
  }
  if (!value) return { ok: false, reason: 'record has no value' };
  try {
    const message = (descriptor.codec as EventCodec<EventMessage>).decode(value);
    return { ok: true, type, message, meta: message.meta };
  } catch (err) {
    return { ok: false, reason: `value is not a valid ${descriptor.messageType}: ${(err as Error).message}` };
  }
}

/** Plain-JSON view of a decoded event (for the console and logs). */
export function eventToJSON(type: EventType, message: EventMessage): unknown {
  return (EVENT_REGISTRY[type].codec as EventCodec<EventMessage>).toJSON(message);
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import {
  AlreadyExists,
  FailedPrecondition,
  Internal,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  Unauthenticated,
  Unavailable,
} from '../errors';
import { ERROR_CODE_METADATA_KEY, fromGrpcError, toGrpcError } from './errors';

function asServiceError(err: ReturnType<typeof toGrpcError>): ServiceError {
  return Object.assign(new Error(`${err.code} ${err.details}`), err) as unknown as ServiceError;
}

test('every domain error survives the trip through gRPC with kind, code and message', () => {
  const cases = [
    [new InvalidArgument('bad name'), status.INVALID_ARGUMENT],
    [new NotFound('no user u1'), status.NOT_FOUND],
    [new AlreadyExists('taken'), status.ALREADY_EXISTS],
    [new PermissionDenied('not a member', { code: 'NOT_A_MEMBER' }), status.PERMISSION_DENIED],
    [new Unauthenticated('token expired', { code: 'TOKEN_EXPIRED' }), status.UNAUTHENTICATED],
    [new FailedPrecondition('not friends', { code: 'NOT_FRIENDS' }), status.FAILED_PRECONDITION],
    [new Unavailable('redis down'), status.UNAVAILABLE],
    [new Internal('bug'), status.INTERNAL],
  ] as const;
  for (const [original, expectedStatus] of cases) {
    const wire = toGrpcError(original);
    assert.equal(wire.code, expectedStatus, original.name);
    assert.equal(wire.metadata.get(ERROR_CODE_METADATA_KEY)[0], original.code);
    const back = fromGrpcError(asServiceError(wire));
    assert.equal(back.constructor, original.constructor);
    assert.equal(back.code, original.code);
    assert.equal(back.message, original.message);
  }
});

test('the default code is the kind, and cause is kept', () => {
  const cause = new Error('sqlite busy');
  const err = new Unavailable('storage busy', { cause });
  assert.equal(err.code, 'UNAVAILABLE');
  assert.equal(err.cause, cause);
  assert.equal(new PermissionDenied('x', { code: 'NOT_A_MEMBER' }).code, 'NOT_A_MEMBER');
});

test('errors that are not domain errors go out as INTERNAL without their message', () => {
  const wire = toGrpcError(new Error('SQLITE_CONSTRAINT: users.username at /srv/db'));
  assert.equal(wire.code, status.INTERNAL);
  assert.equal(wire.details, 'internal error');
});

test('transport failures map to sensible kinds', () => {
  const deadline = fromGrpcError({
    code: status.DEADLINE_EXCEEDED,
    details: 'Deadline exceeded',
    metadata: new Metadata(),
  });
  assert.ok(deadline instanceof Unavailable);
  assert.equal(deadline.code, 'DEADLINE_EXCEEDED');
  const unimplemented = fromGrpcError({
    code: status.UNIMPLEMENTED,
    details: 'no such method',
    metadata: new Metadata(),
  });
  assert.ok(unimplemented instanceof Internal);
  assert.equal(unimplemented.code, 'UNIMPLEMENTED');
  assert.ok(fromGrpcError(new Error('plain')) instanceof Internal);
});

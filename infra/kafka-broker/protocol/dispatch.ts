import type { BrokerCore } from '../core';
import {
  handleCreatePartitions,
  handleCreateTopics,
  handleDeleteGroups,
  handleDeleteTopics,
  handleDescribeConfigs,
  handleDescribeGroups,
  handleListGroups,
} from './admin-apis';
import { ApiKey, handleApiVersions } from './api-versions';
import type { ApiHandler, RequestContext } from './context';
import { handleFetch, handleListOffsets } from './fetch';
import {
  handleFindCoordinator,
  handleHeartbeat,
  handleJoinGroup,
  handleLeaveGroup,
  handleSyncGroup,
} from './group-apis';
import { handleMetadata } from './metadata';
import { handleOffsetCommit, handleOffsetFetch } from './offset-apis';
import { handleInitProducerId, handleProduce } from './produce';
import { MalformedRequestError, type Reader } from '../codec/reader';
import type { Writer } from '../codec/writer';

const HANDLERS = new Map<number, ApiHandler>([
  [ApiKey.Produce, handleProduce],
  [ApiKey.Fetch, handleFetch],
  [ApiKey.ListOffsets, handleListOffsets],
  [ApiKey.Metadata, handleMetadata],
  [ApiKey.OffsetCommit, handleOffsetCommit],
  [ApiKey.OffsetFetch, handleOffsetFetch],
  [ApiKey.FindCoordinator, handleFindCoordinator],
  [ApiKey.JoinGroup, handleJoinGroup],
  [ApiKey.Heartbeat, handleHeartbeat],
  [ApiKey.LeaveGroup, handleLeaveGroup],
  [ApiKey.SyncGroup, handleSyncGroup],
  [ApiKey.DescribeGroups, handleDescribeGroups],
  [ApiKey.ListGroups, handleListGroups],
  [ApiKey.ApiVersions, handleApiVersions],
  [ApiKey.CreateTopics, handleCreateTopics],
  [ApiKey.DeleteTopics, handleDeleteTopics],
  [ApiKey.InitProducerId, handleInitProducerId],
  [ApiKey.DescribeConfigs, handleDescribeConfigs],
  [ApiKey.CreatePartitions, handleCreatePartitions],
  [ApiKey.DeleteGroups, handleDeleteGroups],
]);

export function dispatchRequest(
  r: Reader,
  ctx: RequestContext,
  core: BrokerCore,
): Promise<Writer | null> | Writer | null {
  const handler = HANDLERS.get(ctx.apiKey);
  if (!handler) throw new MalformedRequestError(`unknown api key ${ctx.apiKey}`);
  return handler(r, ctx, core);
}

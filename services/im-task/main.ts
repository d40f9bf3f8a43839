// im-task: the asynchronous work derived from domain events. Consumes user, message, notification and persist
// events as group "im-task", calls im-repo, and pushes signals to the gateways that hold the users concerned.
import { setTimeout as sleep } from 'node:timers/promises';
import { runService } from '../../lib/service-main';
import { startGrpcServer } from '../../lib/grpc';
import { ConsumerGroups, createKafka, ensureTopics, startEventConsumer, Topics } from '../../lib/kafka';
import { GatewayPusher } from './adapters/gateway-pusher';
import { RepoClient } from './adapters/repo-client';
import { readTaskConfig } from './config';
import { DerivedTasks } from './domain/derived-tasks';
import { GatewayDirectory } from './domain/gateway-directory';
import { SignalRouter } from './domain/signal-router';
import { taskBatchHandler } from './transport/event-dispatch';

const TOPICS = [Topics.userEvents, Topics.messageEvents, Topics.notifications, Topics.messagesPersist] as const;

await runService({
  service: 'im-task',
  async start({ env, logger, instanceId }) {
    const config = readTaskConfig(env, instanceId);
    const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: config.instanceId, logger });
    await ensureTopics(kafka, TOPICS);

    const repo = new RepoClient(config.repoAddress);
    const pusher = new GatewayPusher();
    const clock = { nowMs: () => Date.now() };
    const router = new SignalRouter(
      repo,
      new GatewayDirectory(repo, clock),
      pusher,
      {
        gatewayUnknown: (gatewayId, userIds) =>
          logger.warn({ gatewayId, userIds }, 'users are on a gateway the registry does not know; push dropped'),
        gatewayFailed: (gatewayId, address, attempts, err) =>
          logger.warn(
            { gatewayId, address, attempts, err },
            'gateway unreachable; push given up (clients pull on reconnect)',
          ),
      },
      (ms) => sleep(ms),
    );
    const tasks = new DerivedTasks(repo, repo, router, clock);

    // im-task serves no API of its own; the gRPC server carries its health for the supervisor.
    const server = await startGrpcServer({ host: config.grpcHost, port: config.grpcPort, logger, services: [] });
    const consumer = await startEventConsumer({
      kafka,
      groupId: ConsumerGroups.imTask,
      topics: TOPICS,
      // Indexing must see every stored message, including those published before this group first joined.
      fromBeginning: true,
      // A partition's records are handled in order, batch after batch (a user's offline never overtakes their
      // online); every partition of every topic runs side by side.
      // Nothing here is on a sender's wait for an ack: after a fetch that brought records the next one waits 50 ms,
      // so a busy system indexes in fewer, larger batches; a lone signal is handled at once, and an idle im-task
      // long-polls instead of fetching 20 times a second.
      lingerAfterFetchMs: 50,
      logger,
      handleBatch: taskBatchHandler(tasks, logger),
    });

    return {
      ready: { grpcAddress: server.address },
      async shutdown() {
        await consumer.stop();
        await server.shutdown(2000);
        pusher.close();
        repo.close();
      },
    };
  },
});

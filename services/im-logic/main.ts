// im-logic: the business rules. Serves AuthService, ChatService and SocialService over gRPC, consumes the
// upstream message topic, calls im-repo, publishes domain events.
import { runService } from '../../lib/service-main';
import { serviceOf, startGrpcServer } from '../../lib/grpc';
import { ConsumerGroups, createKafka, ensureTopics, EventPublisher, startEventConsumer, Topics } from '../../lib/kafka';
import { AuthServiceService, ChatServiceService, SocialServiceService } from '../../proto/gen/gochat/logic/v1/logic';
import { KafkaLogicEvents } from './adapters/kafka-events';
import { RepoClient } from './adapters/repo-client';
import { RepoSeeder } from './adapters/repo-seeder';
import { readLogicConfig } from './config';
import { Accounts } from './domain/accounts';
import { BulkAccounts } from './domain/bulk-accounts';
import { Groups } from './domain/groups';
import { ConversationAccess } from './domain/membership';
import { MessageSender } from './domain/message-sender';
import { ReadState } from './domain/read-state';
import { Friendships } from './domain/social';
import { TokenSigner } from './domain/token';
import { authService, chatService, socialService, type LogicDomain } from './transport/grpc-services';
import { seedRegistration } from './transport/seed-service';
import { upstreamBatchHandler } from './transport/upstream-consumer';

await runService({
  service: 'im-logic',
  async start({ env, logger, instanceId }) {
    const config = readLogicConfig(env, instanceId);
    const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: config.instanceId, logger });
    await ensureTopics(kafka, [
      Topics.messagesUpstream,
      Topics.messagesPersist,
      Topics.messagesDownstream,
      Topics.messageEvents,
      Topics.notifications,
    ]);
    const publisher = new EventPublisher({ kafka, producer: `im-logic/${config.instanceId}`, logger });
    await publisher.connect();

    const repo = new RepoClient(config.repoAddress);
    const events = new KafkaLogicEvents(publisher);
    const clock = { nowMs: () => Date.now() };
    const tokens = new TokenSigner(config.tokenSecret, config.tokenTtlMs);
    const seeder = new RepoSeeder(config.repoAddress);
    const access = new ConversationAccess(repo, repo);
    const domain: LogicDomain = {
      accounts: new Accounts(repo, tokens, clock),
      sender: new MessageSender(access, repo, events),
      reads: new ReadState(access, repo, events, clock),
      friendships: new Friendships(repo, repo, repo, events),
      groups: new Groups(repo, repo, events, repo),
    };

    const server = await startGrpcServer({
      host: config.grpcHost,
      port: config.grpcPort,
      logger,
      services: [
        serviceOf(AuthServiceService, authService(domain)),
        serviceOf(ChatServiceService, chatService(domain)),
        serviceOf(SocialServiceService, socialService(domain)),
        seedRegistration(new BulkAccounts(seeder, tokens, clock)),
      ],
    });
    const upstream = await startEventConsumer({
      kafka,
      groupId: ConsumerGroups.imLogic,
      topics: [Topics.messagesUpstream],
      // A new group must not skip sends made before it first joined: they are users' messages.
      fromBeginning: true,
      // A partition's records are sent in batches, one batch after another, which keeps each conversation in
      // order; partitions run side by side.
      logger,
      handleBatch: upstreamBatchHandler(domain.sender, logger),
    });

    return {
      ready: { grpcAddress: server.address },
      async shutdown() {
        // Stop taking new work first, then finish what is in hand, then close the outgoing connections.
        await Promise.allSettled([upstream.stop(), server.shutdown(5000)]);
        await domain.sender.flush().catch((err: unknown) => logger.warn({ err }, 'dispatch marks not written'));
        await publisher.disconnect();
        repo.close();
        seeder.close();
      },
    };
  },
});

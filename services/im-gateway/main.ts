// im-gateway: holds client WebSockets, serves the client HTTP API, publishes sends upstream and pushes what
// comes downstream. Started as `node --import tsx services/im-gateway/main.ts` with the environment contract.
import { startGrpcServer } from '../../lib/grpc';
import { ConsumerGroups, createKafka, ensureTopics, EventPublisher, startEventConsumer, Topics } from '../../lib/kafka';
import { runService } from '../../lib/service-main';
import { withTraceSync } from '../../lib/telemetry';
import type { MessageDownstream } from '../../proto/gen/gochat/events/v1/events';
import { GrpcLogicApi } from './adapters/logic-client';
import { GrpcPresenceRegistry } from './adapters/presence-client';
import { KafkaGatewayEvents } from './adapters/kafka-events';
import { readGatewayConfig } from './config';
import { ConnectionLifecycle } from './domain/connection-lifecycle';
import { ConnectionRegistry } from './domain/connection-registry';
import { ConversationSync } from './domain/conversation-sync';
import { Delivery } from './domain/delivery';
import { systemClock } from './domain/ports';
import { UpstreamSender } from './domain/upstream-sender';
import { GatewayServer } from './transport/gateway-server';
import { gatewayGrpcServices } from './transport/grpc-services';

await runService({
  service: 'im-gateway',
  start: async ({ env, logger }) => {
    const config = readGatewayConfig(env);
    const log = logger.child({ gatewayId: config.gatewayId });
    const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: config.instanceId, logger: log });
    await ensureTopics(kafka, [Topics.userEvents, Topics.messagesUpstream, Topics.messagesDownstream]);
    const publisher = new EventPublisher({ kafka, producer: `im-gateway/${config.gatewayId}`, logger: log });
    await publisher.connect();

    const logic = new GrpcLogicApi(config.logicAddr);
    const presence = new GrpcPresenceRegistry(config.repoAddr, config.gatewayId);
    const events = new KafkaGatewayEvents(publisher);
    const registry = new ConnectionRegistry();
    const delivery = new Delivery(config.gatewayId, registry);
    const deliver = (record: MessageDownstream) => delivery.onDownstream(record);
    const lifecycle = new ConnectionLifecycle({
      gatewayId: config.gatewayId,
      presenceTtlMs: config.presenceTtlMs,
      registry,
      presence,
      events,
      clock: systemClock,
      log,
    });

    const grpc = await startGrpcServer({
      host: config.grpcHost,
      port: config.grpcPort,
      services: gatewayGrpcServices(config.gatewayId, delivery, registry),
      logger: log,
      // NOT_SERVING until the downstream consumer has joined: before that, acks could be missed.
      servingAtStart: false,
    });
    const setServing = (serving: boolean) => {
      for (const name of grpc.health.services()) grpc.setStatus(name, serving);
    };
    const server = new GatewayServer({
      host: config.httpHost,
      port: config.httpPort,
      gatewayId: config.gatewayId,
      logic,
      lifecycle,
      registry,
      sender: new UpstreamSender(config.gatewayId, events),
      sync: new ConversationSync(logic, registry),
      pingIntervalMs: config.pingIntervalMs,
      log,
    });
    const httpAddress = await server.listen();

    // Joined before "ready", so a client that connects after ready cannot miss its own ack.
    const consumer = await startEventConsumer({
      kafka,
      groupId: ConsumerGroups.imGateway(config.gatewayId),
      topics: [Topics.messagesDownstream],
      logger: log,
      // Every partition side by side; within one, records (and so a conversation's seqs) in order.
      // Each record is handed over within its own trace, which its frames carry (no context made per record).
      handleBatch: async (events) => {
        for (const event of events) {
          if (event.type === 'message.downstream') withTraceSync(event.traceparent, deliver, event.message);
        }
      },
    });

    const renew = async (): Promise<void> => {
      await presence.registerGateway(grpc.address, httpAddress, config.presenceTtlMs);
      await lifecycle.heartbeat();
    };
    await renew();
    const heartbeat = setInterval(() => {
      renew().catch((err: unknown) =>
        log.warn({ err }, 'presence heartbeat failed; connections expire if it keeps failing'),
      );
    }, config.heartbeatMs);
    heartbeat.unref();
    setServing(true);

    return {
      ready: { grpcAddress: grpc.address, httpAddress, gatewayId: config.gatewayId },
      shutdown: async () => {
        clearInterval(heartbeat);
        setServing(false);
        server.stopAccepting();
        await lifecycle.closeAll();
        await consumer.stop();
        await grpc.shutdown(3000);
        await server.close();
        await publisher.disconnect();
        logic.close();
        presence.close();
      },
    };
  },
});

// The Topics view's live tail under load: 1,000 records/s (for CONSOLE_TAIL_SECONDS, default 60), paused for the
// middle third and resumed; every record must end up in the view, checked against the topic's offsets.
// Runs the real embedded broker, the real appliance API and the real UI in headless Chromium; the supervisor is
// not needed for this, so an in-memory ApplianceControl stands in for it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startBroker, type Broker } from '../../infra/kafka-broker';
import { BrokerInspector } from '../../appliance/api/adapters/broker-inspector';
import { startApplianceApi, type ApplianceApi } from '../../appliance/api/appliance-api';
import { buildRenderer } from '../../appliance/api/http/renderer-assets';
import { FakeControl } from '../../appliance/api/test-support';
import { chromiumOrSkip, openConsole, screenshot, type ConsoleBrowser } from './support/browser';

const TOPIC = 'console.load-test';
const PER_SECOND = 1000;
const SECONDS = Number(process.env.CONSOLE_TAIL_SECONDS ?? 60);
const TOTAL = PER_SECOND * SECONDS;

let dir: string;
let broker: Broker;
let inspector: BrokerInspector;
let api: ApplianceApi;
let producer: Producer;
let browser: ConsoleBrowser | null = null;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gochat-tail-'));
  broker = await startBroker({
    dataDir: join(dir, 'kafka'),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  await broker.createTopic(TOPIC, 4);
  inspector = new BrokerInspector(() => broker);
  // Built fresh into the test's own dir, so a stale out/renderer never hides a change.
  const rendererDir = await buildRenderer(() => undefined, join(dir, 'renderer'));
  api = await startApplianceApi({
    control: new FakeControl(['im-logic']),
    kafka: inspector,
    rendererDir: () => rendererDir,
  });
  producer = new Kafka({ clientId: 'tail-test', brokers: [broker.address], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
});

after(async () => {
  await browser?.close();
  await producer?.disconnect();
  await api?.close();
  await inspector?.close();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function tailStat(name: string): Promise<number> {
  return Number(await browser!.page.getAttribute('[data-testid="tail-stats"]', `data-${name}`));
}

test(
  `live tail keeps all ${TOTAL} records at ${PER_SECOND}/s across pause and resume`,
  { timeout: (SECONDS + 120) * 1000 },
  async (t) => {
    const chromium = chromiumOrSkip(t);
    if (!chromium) return;
    browser = await openConsole(chromium, api.consoleUrl, `topics?topic=${TOPIC}`);
    const { page } = browser;
    await page.click('[data-action="tail"]');
    await page.waitForSelector('[data-testid="tail-stats"][data-subscribed="true"]', { timeout: 10_000 });
    const startOffsets = (await inspector.listTopics())
      .find((x) => x.name === TOPIC)!
      .partitions.map((p) => p.highWatermark);

    // 10 batches of 100 a second, bounded in count; pause for the middle third, then resume.
    const batches = TOTAL / 100;
    let sent = 0;
    const started = Date.now();
    for (let batch = 0; batch < batches; batch++) {
      if (batch === Math.floor(batches / 3)) await page.click('[data-action="pause"]');
      if (batch === Math.floor((2 * batches) / 3)) {
        assert.ok((await tailStat('held')) > 0, 'records arriving while paused are held');
        await page.click('[data-action="resume"]');
      }
      await producer.send({
        topic: TOPIC,
        acks: -1,
        messages: Array.from({ length: 100 }, (_, i) => ({
          key: `k${(sent + i) % 97}`,
          value: Buffer.from(`record ${sent + i}`),
          headers: { 'event-type': 'load.test' },
        })),
      });
      sent += 100;
      const due = started + ((batch + 1) * 1000) / 10;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    }
    const elapsedS = (Date.now() - started) / 1000;

    const endOffsets = (await inspector.listTopics())
      .find((x) => x.name === TOPIC)!
      .partitions.map((p) => p.highWatermark);
    const appended = endOffsets.reduce((sum, end, i) => sum + end - startOffsets[i]!, 0);
    assert.equal(appended, TOTAL, 'the broker stored every record produced');
    await page.waitForFunction(
      (total) => Number(document.querySelector('[data-testid="tail-stats"]')?.getAttribute('data-received')) >= total,
      TOTAL,
      {
        timeout: 60_000,
      },
    );
    assert.equal(await tailStat('received'), appended, 'the view received exactly the records appended');
    assert.equal(await tailStat('missing'), 0, 'no offset is missing in any partition');
    assert.equal(await tailStat('held'), 0);
    await screenshot(page, 'topics-live-tail');
    t.diagnostic(
      `produced ${TOTAL} records in ${elapsedS.toFixed(1)} s (${Math.round(TOTAL / elapsedS)}/s); view received all of them`,
    );
  },
);

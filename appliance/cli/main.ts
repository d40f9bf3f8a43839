// gochat: start, inspect and stop the appliance. Every command has --help.
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import type { BenchOptions } from '../../bench/run-bench';
import { INFRA_MODES } from '../../infra/providers/infra';
import type { ScenarioRunOptions } from '../scenario/scenario-command';
import { CHAOS_COMMAND_ACTIONS, type ChaosCommandAction } from './chaos-command';
import type { UpOptions } from './up-command';

// Each command's module is loaded when that command runs: `gochat up` becomes the supervisor, which hosts the
// embedded broker, and whatever it loads stays in its heap for every full collection to mark (the bench's report
// formatter alone, prettier, is about 7 MB of source and source map).

const DEFAULT_DATA_DIR = './.gochat';
export const DEFAULT_ADMIN_PORT = 7420;

function integerIn(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`expected ${min} to ${max}, got ${n}`);
    return n;
  };
}

const dataDirOption = (): Option =>
  new Option('--data-dir <dir>', 'where the appliance keeps its state').default(DEFAULT_DATA_DIR);

const program = new Command()
  .name('gochat')
  .description('GoChat Appliance: an event-driven IM backend with its console, on one machine')
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode));

program
  .command('up')
  .description('start Kafka, Redis and the four services; print "ready" with the console URL; stop on Ctrl-C')
  .addOption(new Option('--infra <kind>', 'where Kafka and Redis come from').choices([...INFRA_MODES]).default('auto'))
  .addOption(dataDirOption())
  .option('--gateways <n>', 'number of im-gateway instances', integerIn(1, 16), 1)
  .option(
    '--admin-port <port>',
    'port of the console / admin API on 127.0.0.1 (0 = a free port)',
    integerIn(0, 65535),
    DEFAULT_ADMIN_PORT,
  )
  .option('--no-seed', 'do not create the demo users and group on first start')
  .option('--no-console-build', 'do not build the console UI when it is missing (the API still runs)')
  .option(
    '--tracing',
    'services report a span for every RPC, record and frame, and the Flows view draws them (costs throughput; GOCHAT_TRACING=on does the same)',
  )
  .addOption(
    new Option('--log-level <level>', 'log level of the services')
      .choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal'])
      .default('info'),
  )
  .action(async (opts: UpOptions) => {
    const { runUp } = await import('./up-command');
    process.exitCode = await runUp(opts);
  });

program
  .command('status')
  .description('show whether the appliance runs, its console URL, and the health of each service')
  .addOption(dataDirOption())
  .option('--json', 'print the appliance record with live health as JSON')
  .action(async (opts: { dataDir: string; json?: boolean }) => {
    const { runStatus } = await import('./status-command');
    process.exitCode = await runStatus(opts);
  });

program
  .command('down')
  .description('stop the running appliance (services, then infra) and wait until every process is gone')
  .addOption(dataDirOption())
  .action(async (opts: { dataDir: string }) => {
    const { runDown } = await import('./down-command');
    process.exitCode = await runDown(opts);
  });

program
  .command('logs')
  .description('print the log of one process (im-repo, im-logic, gw-1, im-task, kafka, redis)')
  .argument('<service>', 'process name')
  .addOption(dataDirOption())
  .option('-f, --follow', 'keep printing new lines until Ctrl-C')
  .option('-n, --lines <n>', 'how many recent lines to print first', integerIn(0, 1_000_000), 200)
  .option('--json', 'print the raw JSON lines')
  .action(async (service: string, opts: { dataDir: string; follow?: boolean; lines: number; json?: boolean }) => {
    const { runLogs } = await import('./logs-command');
    process.exitCode = await runLogs(service, opts);
  });

program
  .command('chaos')
  .description('kill, pause or resume a process, or slow its Kafka consumers (latency <ms>, 0 clears) while it runs')
  .argument('<process>', 'process name (im-logic, im-task, gw-1, im-repo, redis)')
  .addArgument(new Argument('<action>', 'what to do').choices([...CHAOS_COMMAND_ACTIONS]))
  .argument('[ms]', 'for latency: ms each consumer batch waits first (0 clears it)', integerIn(0, 30_000))
  .addOption(dataDirOption())
  .action(async (name: string, action: ChaosCommandAction, ms: number | undefined, opts: { dataDir: string }) => {
    const { runChaos } = await import('./chaos-command');
    process.exitCode = await runChaos(name, action, ms, opts);
  });

program
  .command('reset')
  .description('delete the data dir (users, messages, Kafka log, Redis dump, logs); asks first on a terminal')
  .addOption(dataDirOption())
  .option('--yes', 'do not ask (required when not on a terminal)')
  .action(async (opts: { dataDir: string; yes?: boolean }) => {
    const { runReset } = await import('./reset-command');
    process.exitCode = await runReset(opts);
  });

program
  .command('broker')
  .description('run only the embedded Kafka broker (kafkajs, kcat and other clients can attach)')
  .requiredOption('--port <port>', 'port to listen on (0 = a free one)')
  .requiredOption('--data-dir <dir>', 'where the broker keeps its log')
  .option('--host <host>', 'interface to bind', '127.0.0.1')
  .action(async (opts: { port: string; dataDir: string; host: string }) => {
    const { runBroker } = await import('./broker-command');
    process.exitCode = await runBroker(opts);
  });

program
  .command('bench')
  .description('measure the appliance (each case on a fresh one, embedded infra) beside baselines run alongside')
  .option('--quick', 'a short, small run of every case (CI: proves each case works, not how fast)')
  .option('--case <name...>', 'only these cases (default: all)')
  .option('--out <file>', 'write every figure, with the machine it ran on, as JSON')
  .option('--doc <file>', 'write the figures as markdown (docs/performance.md) with a latency plot (SVG) beside it')
  .option('--doc-note <text>', 'with --doc: a line on the conditions of the run, quoted at the top')
  .option('--from <file>', 'with --doc: take the figures from an earlier --out file instead of running')
  .option('--gateways <n>', 'number of im-gateway instances', integerIn(1, 16), 1)
  .option('--generators <n>', 'load generator processes for the message cases', integerIn(1, 16), 1)
  .action(async (opts: BenchOptions) => {
    const { runBench } = await import('../../bench/run-bench');
    process.exitCode = await runBench(opts);
  });

const scenario = program
  .command('scenario')
  .description('multi-user scenarios (YAML, docs/scenarios.md): check them, or run them against an appliance');
scenario
  .command('check')
  .description('validate scenario files without running them; problems are printed as file:line:column')
  .argument('<file...>', 'scenario files')
  .action(async (files: string[]) => {
    const { runScenarioCheck } = await import('../scenario/scenario-command');
    process.exitCode = runScenarioCheck(files);
  });
scenario
  .command('run')
  .description('run scenarios; exit 0 only when every expectation held')
  .argument('<file...>', 'scenario files')
  .option('--appliance <dir>', 'data dir of a running appliance (started there, and stopped after, if none runs)')
  .option('--junit <file>', 'write a JUnit XML report')
  .option('--quiet', 'print only failed steps and the summary')
  .action(async (files: string[], opts: ScenarioRunOptions) => {
    const { runScenarioFiles } = await import('../scenario/scenario-command');
    process.exitCode = await runScenarioFiles(files, opts);
  });
scenario
  .command('record')
  .description("record the console's simulated clients (until Enter or Ctrl-C) as a scenario file")
  .requiredOption('--out <file>', 'where to write the scenario')
  .option('--appliance <dir>', 'data dir of the running appliance', './.gochat')
  .action(async (opts: { out: string; appliance: string }) => {
    const { recordScenario } = await import('../scenario/record-command');
    process.exitCode = await recordScenario(opts);
  });

await program.parseAsync(process.argv);

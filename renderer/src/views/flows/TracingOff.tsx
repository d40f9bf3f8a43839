// What the Flows view says when the services report no spans: that tracing is off, how to turn it on, and what it
// costs, rather than diagrams whose RPC hops are only guessed.
export function TracingOff({ showing, onShow }: { showing: boolean; onShow: () => void }) {
  return (
    <div className="card tracing-off" data-testid="tracing-off" role="status">
      <h2>Tracing is off</h2>
      <p>
        The services report no spans, so a flow cannot show its gRPC calls, their durations and status, retries or
        missing hops; only the Kafka records and the simulated clients&apos; frames the appliance sees itself.
      </p>
      <p>
        Turn it on by starting the appliance with <code>npx gochat up --tracing</code> (or{' '}
        <code>GOCHAT_TRACING=on</code>). It costs: recording and exporting a span per hop takes about a third of the
        message path&apos;s throughput and doubles its latency at low load on two cores (docs/performance.md;{' '}
        <code>npx gochat bench --case tracing</code> measures off against on).
      </p>
      {!showing && (
        <button onClick={onShow} data-action="show-untraced">
          show what the appliance saw without tracing
        </button>
      )}
    </div>
  );
}

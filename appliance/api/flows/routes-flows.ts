// /api/flows: the traces the appliance has followed, each as the arrows of a sequence diagram, and each as a file
// (mermaid text, SVG); a flow found by a message it carried; one reported hop in detail.
import { NotFoundError } from '../http/errors';
import { FileResponse, type Router } from '../http/router';
import { flowToMermaid, flowToSvg } from './flow-export';
import type { FlowTrace, FlowTracker } from './flow-tracker';

export interface FlowRouteOptions {
  /** Brings the tracker up to date with records not yet observed, before it is read. */
  catchUp?: () => void;
  /** Whether the services report their own spans; off, flows are drawn from what the appliance sees itself. */
  tracing?: () => boolean;
}

export function registerFlowRoutes(router: Router, flows: FlowTracker, options: FlowRouteOptions = {}): void {
  const catchUp = options.catchUp ?? (() => undefined);
  const flow = (traceId: string): FlowTrace => {
    catchUp();
    const trace = flows.get(traceId);
    if (!trace) throw new NotFoundError(`no flow with trace id ${traceId} (only the last 300 are kept)`);
    return trace;
  };
  router
    .add('GET', '/api/flows', ({ query }) => {
      catchUp();
      const tracing = options.tracing?.() ?? false;
      // ?messageId=: the flow that carried a message (its message id or its sender's client message id).
      const messageId = query.get('messageId');
      if (messageId !== null) {
        const traceId = flows.traceOfMessageId(messageId);
        const found = traceId ? flows.list().filter((t) => t.traceId === traceId) : [];
        return { traces: found, tracing };
      }
      return { traces: flows.list(), tracing };
    })
    .add('GET', '/api/flows/:traceId', ({ params }) => flow(params.traceId!))
    .add('GET', '/api/flows/:traceId/hops/:spanId', ({ params }) => {
      const trace = flow(params.traceId!);
      const hop = flows.hop(trace.traceId, params.spanId!);
      if (!hop) throw new NotFoundError(`flow ${trace.traceId} has no reported span ${params.spanId}`);
      return hop;
    })
    .add('GET', '/api/flows/:traceId/mermaid', ({ params }) => {
      const trace = flow(params.traceId!);
      return new FileResponse('text/plain', flowToMermaid(trace), `flow-${trace.traceId}.mmd`);
    })
    .add('GET', '/api/flows/:traceId/svg', ({ params }) => {
      const trace = flow(params.traceId!);
      return new FileResponse('image/svg+xml', flowToSvg(trace), `flow-${trace.traceId}.svg`);
    });
}

// /api/flows: the traces the appliance has followed, each as the arrows of a sequence diagram, and each as a file
// (mermaid text, SVG).
import { NotFoundError } from '../errors';
import { FileResponse, type Router } from '../router';
import { flowToMermaid, flowToSvg } from './flow-export';
import type { FlowTrace, FlowTracker } from './flow-tracker';

/** catchUp: brings the tracker up to date with records not yet observed, before it is read. */
export function registerFlowRoutes(router: Router, flows: FlowTracker, catchUp: () => void = () => undefined): void {
  const flow = (traceId: string): FlowTrace => {
    catchUp();
    const trace = flows.get(traceId);
    if (!trace) throw new NotFoundError(`no flow with trace id ${traceId} (only the last 300 are kept)`);
    return trace;
  };
  router
    .add('GET', '/api/flows', () => {
      catchUp();
      return { traces: flows.list() };
    })
    .add('GET', '/api/flows/:traceId', ({ params }) => flow(params.traceId!))
    .add('GET', '/api/flows/:traceId/mermaid', ({ params }) => {
      const trace = flow(params.traceId!);
      return new FileResponse('text/plain', flowToMermaid(trace), `flow-${trace.traceId}.mmd`);
    })
    .add('GET', '/api/flows/:traceId/svg', ({ params }) => {
      const trace = flow(params.traceId!);
      return new FileResponse('image/svg+xml', flowToSvg(trace), `flow-${trace.traceId}.svg`);
    });
}

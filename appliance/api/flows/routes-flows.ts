// /api/flows: the traces the appliance has followed, each as the arrows of a sequence diagram.
import { NotFoundError } from '../errors';
import type { Router } from '../router';
import type { FlowTracker } from './flow-tracker';

/** catchUp: brings the tracker up to date with records not yet observed, before it is read. */
export function registerFlowRoutes(router: Router, flows: FlowTracker, catchUp: () => void = () => undefined): void {
  router
    .add('GET', '/api/flows', () => {
      catchUp();
      return { traces: flows.list() };
    })
    .add('GET', '/api/flows/:traceId', ({ params }) => {
      catchUp();
      const trace = flows.get(params.traceId!);
      if (!trace) throw new NotFoundError(`no flow with trace id ${params.traceId} (only the last 300 are kept)`);
      return trace;
    });
}

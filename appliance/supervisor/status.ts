// What the supervisor reports about each process it runs: exactly the shapes the console's appliance API asks for
// (appliance/api/ports.ts), so the Supervisor satisfies ApplianceControl as it is.
export type { LogLevel, LogLine, ServiceHealth, ServiceState, ServiceStatus, Unsubscribe } from '../api/ports';

/** The four service programs; a gateway runs once per gw-N instance. */
export type ServiceProgram = 'im-repo' | 'im-logic' | 'im-gateway' | 'im-task';

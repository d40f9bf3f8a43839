// What the console's Clients view shows of each simulated user.
import type { ClientView, SimConversation, SimMessage, SimNotice } from '../contract';
export type { ClientView, SimConversation, SimMessage, SimNotice };

/** A frame from the gateway; fields depend on type (docs/protocol.md). */
export type GatewayMessage = { type: string } & Record<string, unknown>;

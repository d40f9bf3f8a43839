// What the console's Clients view shows of each simulated user.
import type { ClientView, SimConversation, SimMessage, SimNotice } from '../contract';
export type { ClientView, SimConversation, SimMessage, SimNotice };

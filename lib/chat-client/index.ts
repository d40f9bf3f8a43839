// The client side of the gateway's protocol (docs/protocol.md), shared by the e2e tests, the bench's load
// generators and the console's simulated clients: frame types, the authenticated socket, the JSON API call.
export * from './frames';
export * from './chat-socket';
export * from './gateway-http';

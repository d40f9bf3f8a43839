// The shape of a record the services publish (bench/ab's encode and decode benchmarks): the four headers every
// event carries and a protobuf-sized value.
export function eventRecord(i: number): { key: string; value: Buffer; headers: Record<string, string> } {
  return {
    key: 'p2p:u_0190abcd:u_0190abce',
    value: Buffer.alloc(260, i),
    headers: {
      'event-type': 'message.persist',
      'event-id': '0190abcd-1234-7abc-8def-0123456789ab',
      traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-00',
      'content-type': 'application/x-protobuf; messageType=gochat.events.v1.MessagePersist',
    },
  };
}

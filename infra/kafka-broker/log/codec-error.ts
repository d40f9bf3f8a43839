/** A compressed record-batch body that does not decode; the message says how. */
export class CodecError extends Error {}

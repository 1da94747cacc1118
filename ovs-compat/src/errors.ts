// The one error ovs-compat's parser throws: a message in ovs-ofctl's words
// and the token it is about, so callers (the REST API, the CLI) can point at
// it.  `code` follows the project's convention of a stable machine-readable
// code on every Error that leaves a module.

export class FlowSyntaxError extends Error {
  readonly code = 'FLOW_SYNTAX';
  /** The token of the input that is wrong, verbatim. */
  readonly token: string;

  constructor(message: string, token: string) {
    super(message);
    this.name = 'FlowSyntaxError';
    this.token = token;
  }
}

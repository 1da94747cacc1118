// The OpenFlow 1.0 / 1.3 codec: framing, the version-independent message
// model, decodeMessage / encodeMessage, the error table and multipart
// splitting.  Channels and the agent import from here.
export * from './constants';
export * from './model';
export { Framer, Frame, FramingError } from './framing';
export { decodeMessage } from './decode';
export { encodeMessage } from './encode';
export { ERROR_NAMES, errorName, errorNumbers, EncodeError, OFP_ERROR_DATA_LEN, OpenFlowError, OFPET_10, OFPET_13 } from './errors';
export { errorReply, highestCommonVersion, unsupportedExperimenter } from './hello';
export { splitReply, REPLY_LISTS } from './multipart-split';
export { EXTRA_FIELDS, checkPrerequisites } from './oxm';

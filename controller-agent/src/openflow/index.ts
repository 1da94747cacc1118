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
// The reserved ports and OFPCML_NO_BUFFER are the flow model's (OpenFlow 1.3.5 section 7.2.1).
export {
  OFPP_MAX, OFPP_IN_PORT, OFPP_TABLE, OFPP_NORMAL, OFPP_FLOOD, OFPP_ALL, OFPP_CONTROLLER, OFPP_LOCAL, OFPP_ANY, OFPCML_NO_BUFFER,
} from '../../../ovs-compat/src/flow';

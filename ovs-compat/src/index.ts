// ovs-compat's TypeScript side: the match-field table, the ovs-ofctl flow
// syntax parser and printer, and the translation to and from the
// `openflow` logic's native control form.  Import from here.
export * from './match-fields';
export * from './flow';
export { FlowSyntaxError } from './errors';
export { parseFlow, parseFlows, ParseOptions, SHORTHANDS } from './flow-parser';
export { formatMatch, formatAction, formatActions, formatFlow, formatFlowMod, formatFlowStats, FlowCounters } from './flow-printer';
export {
  NativeTranslationError, NATIVE_PORT_WORDS, nativePort, matchTokens, nativeAction, nativeActions, instructionTokens,
  FlowMod, FlowModCommand, flowModLine, NativeFilter, filterTokens, emptyFilterFlow, nativeBatches, BATCH_MAX_LINES, BATCH_MAX_BYTES,
} from './to-native';
export {
  NativeReplyError, parseMatchTokens, parseNativeAction, parseNativeActions, NativeFlowEntry, countersOf, parseDumpLine,
  parseDump, FLOW_REMOVED_REASONS, FlowRemovedReason, FlowRemovedEvent, parseEventLine, parseEvents, parseEventsReply, TraceStep,
  parseTraceLine, parseTrace, parseAggregate, TableStats, parseTableStats, OFPET, OFP_ERROR_CODES, NativeError, parseNativeError,
} from './from-native';
export { formatValue, parseValue } from './field-values';
export {
  GROUP_TYPES, GroupType, OFPG_MAX, OFPG_ANY, Bucket, Group, parseGroup, parseGroupFilter, formatGroup, groupModLine, groupDelLine,
  parseGroupDumpLine, GroupStats, parseGroupStatsLine,
} from './group';
export {
  OFPM_MAX, METER_FLAGS, MeterFlag, MeterBand, Meter, parseMeter, parseMeterFilter, formatMeter, formatMeterSpec, meterModLine, meterDelLine,
  parseMeterDumpLine, MeterStats, parseMeterStatsLine,
} from './meter';
export { buildPacket, DescribedPacket, DEFAULTS as PACKET_DEFAULTS, ETH_MIN_FRAME, internetChecksum, crc32c } from './packet-builder';

// ovs-compat's TypeScript side: the match-field table, the ovs-ofctl flow
// syntax parser and printer.  Import from here.
export * from './match-fields';
export * from './flow';
export { FlowSyntaxError } from './errors';
export { parseFlow, parseFlows, ParseOptions, SHORTHANDS } from './flow-parser';
export { formatMatch, formatAction, formatActions, formatFlow, formatFlowMod, formatFlowStats, FlowCounters } from './flow-printer';

/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
"use strict";

var $protobuf = require("protobufjs/minimal");

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError, $Array = $util.global.Array, $TypeError = $util.global.TypeError, $Number = $util.global.Number, $isFinite = $util.global.isFinite, $String = $util.global.String, $Boolean = $util.global.Boolean;

// Exported root namespace
const $root = $protobuf.roots["mswitch-state"] || ($protobuf.roots["mswitch-state"] = {});

export const mswitch = $root.mswitch = (() => {

    /**
     * Namespace mswitch.
     * @exports mswitch
     * @namespace
     */
    const mswitch = {};

    mswitch.state = (function() {

        /**
         * Namespace state.
         * @memberof mswitch
         * @namespace
         */
        const state = {};

        state.State = (function() {

            /**
             * Properties of a State.
             * @typedef {Object} mswitch.state.State.$Properties
             * @property {number|null} [version] State version
             * @property {number|null} [savedAtMs] State savedAtMs
             * @property {Array.<mswitch.state.Switch.$Properties>|null} [switches] State switches
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a State.
             * @memberof mswitch.state
             * @interface IState
             * @augments mswitch.state.State.$Properties
             * @deprecated Use mswitch.state.State.$Properties instead.
             */

            /**
             * Shape of a State.
             * @typedef {mswitch.state.State.$Properties} mswitch.state.State.$Shape
             */

            /**
             * Constructs a new State.
             * @memberof mswitch.state
             * @classdesc Represents a State.
             * @constructor
             * @param {mswitch.state.State.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const State = function (properties) {
                this.switches = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * State version.
             * @member {number} version
             * @memberof mswitch.state.State
             * @instance
             */
            State.prototype.version = 0;

            /**
             * State savedAtMs.
             * @member {number} savedAtMs
             * @memberof mswitch.state.State
             * @instance
             */
            State.prototype.savedAtMs = 0;

            /**
             * State switches.
             * @member {Array.<mswitch.state.Switch.$Properties>} switches
             * @memberof mswitch.state.State
             * @instance
             */
            State.prototype.switches = $util.emptyArray;

            /**
             * Creates a new State instance using the specified properties.
             * @function create
             * @memberof mswitch.state.State
             * @static
             * @param {mswitch.state.State.$Properties=} [properties] Properties to set
             * @returns {mswitch.state.State} State instance
             * @type {{
             *   (properties: mswitch.state.State.$Shape): mswitch.state.State & mswitch.state.State.$Shape;
             *   (properties?: mswitch.state.State.$Properties): mswitch.state.State;
             * }}
             */
            State.create = function(properties) {
                return new State(properties);
            };

            /**
             * Encodes the specified State message. Does not implicitly {@link mswitch.state.State.verify|verify} messages.
             * @function encode
             * @memberof mswitch.state.State
             * @static
             * @param {mswitch.state.State.$Properties} message State message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            State.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.version);
                if (message.savedAtMs != null && $Object.hasOwnProperty.call(message, "savedAtMs") && !$Object.is(message.savedAtMs, 0))
                    writer.uint32(/* id 2, wireType 1 =*/17).double(message.savedAtMs);
                if (message.switches != null && message.switches.length)
                    for (let i = 0; i < message.switches.length; ++i)
                        $root.mswitch.state.Switch.encode(message.switches[i], writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified State message, length delimited. Does not implicitly {@link mswitch.state.State.verify|verify} messages.
             * @function encodeDelimited
             * @memberof mswitch.state.State
             * @static
             * @param {mswitch.state.State.$Properties} message State message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            State.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a State message from the specified reader or buffer.
             * @function decode
             * @memberof mswitch.state.State
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {mswitch.state.State & mswitch.state.State.$Shape} State
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            State.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.mswitch.state.State();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.version = value;
                            else
                                delete message.version;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 1)
                                break;
                            if (!$Object.is(value = reader.double(), 0))
                                message.savedAtMs = value;
                            else
                                delete message.savedAtMs;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if (!(message.switches && message.switches.length))
                                message.switches = [];
                            message.switches.push($root.mswitch.state.Switch.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a State message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof mswitch.state.State
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {mswitch.state.State & mswitch.state.State.$Shape} State
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            State.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a State message.
             * @function verify
             * @memberof mswitch.state.State
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            State.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.version != null && $Object.hasOwnProperty.call(message, "version"))
                    if (!$util.isInteger(message.version))
                        return "version: integer expected";
                if (message.savedAtMs != null && $Object.hasOwnProperty.call(message, "savedAtMs"))
                    if (typeof message.savedAtMs !== "number")
                        return "savedAtMs: number expected";
                if (message.switches != null && $Object.hasOwnProperty.call(message, "switches")) {
                    if (!$Array.isArray(message.switches))
                        return "switches: array expected";
                    for (let i = 0; i < message.switches.length; ++i) {
                        let error = $root.mswitch.state.Switch.verify(message.switches[i], _depth + 1);
                        if (error)
                            return "switches." + error;
                    }
                }
                return null;
            };

            /**
             * Creates a State message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof mswitch.state.State
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {mswitch.state.State} State
             */
            State.fromObject = function (object, _depth) {
                if (object instanceof $root.mswitch.state.State)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".mswitch.state.State: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.mswitch.state.State();
                if (object.version != null)
                    if ($Number(object.version) !== 0)
                        message.version = object.version >>> 0;
                if (object.savedAtMs != null)
                    if (!$Object.is($Number(object.savedAtMs), 0))
                        message.savedAtMs = $Number(object.savedAtMs);
                if (object.switches) {
                    if (!$Array.isArray(object.switches))
                        throw $TypeError(".mswitch.state.State.switches: array expected");
                    message.switches = $Array(object.switches.length);
                    for (let i = 0; i < object.switches.length; ++i) {
                        if (!$util.isObject(object.switches[i]))
                            throw $TypeError(".mswitch.state.State.switches: object expected");
                        message.switches[i] = $root.mswitch.state.Switch.fromObject(object.switches[i], _depth + 1);
                    }
                }
                return message;
            };

            /**
             * Creates a plain object from a State message. Also converts values to other types if specified.
             * @function toObject
             * @memberof mswitch.state.State
             * @static
             * @param {mswitch.state.State} message State
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            State.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.arrays || options.defaults)
                    object.switches = [];
                if (options.defaults) {
                    object.version = 0;
                    object.savedAtMs = 0;
                }
                if (message.version != null && $Object.hasOwnProperty.call(message, "version"))
                    object.version = message.version;
                if (message.savedAtMs != null && $Object.hasOwnProperty.call(message, "savedAtMs"))
                    object.savedAtMs = options.json && !$isFinite(message.savedAtMs) ? $String(message.savedAtMs) : message.savedAtMs;
                if (message.switches && message.switches.length) {
                    object.switches = $Array(message.switches.length);
                    for (let j = 0; j < message.switches.length; ++j)
                        object.switches[j] = $root.mswitch.state.Switch.toObject(message.switches[j], options, _depth + 1);
                }
                return object;
            };

            /**
             * Converts this State to JSON.
             * @function toJSON
             * @memberof mswitch.state.State
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            State.prototype.toJSON = function() {
                return State.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for State
             * @function getTypeUrl
             * @memberof mswitch.state.State
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            State.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mswitch.state.State";
            };

            return State;
        })();

        state.Switch = (function() {

            /**
             * Properties of a Switch.
             * @typedef {Object} mswitch.state.Switch.$Properties
             * @property {string|null} [name] Switch name
             * @property {string|null} [logic] Switch logic
             * @property {string|null} [logicConfig] Switch logicConfig
             * @property {number|null} [workers] Switch workers
             * @property {number|null} [batchSize] Switch batchSize
             * @property {string|null} [mode] Switch mode
             * @property {number|null} [idlePolls] Switch idlePolls
             * @property {number|null} [idleSpinUs] Switch idleSpinUs
             * @property {mswitch.state.Memif.$Properties|null} [memif] Switch memif
             * @property {Array.<mswitch.state.LinuxPort.$Properties>|null} [ports] Switch ports
             * @property {mswitch.state.OpenFlow.$Properties|null} [openflow] Switch openflow
             * @property {boolean|null} [flowRestore] Switch flowRestore
             * @property {mswitch.state.Flows.$Properties|null} [flows] Switch flows
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Switch.
             * @memberof mswitch.state
             * @interface ISwitch
             * @augments mswitch.state.Switch.$Properties
             * @deprecated Use mswitch.state.Switch.$Properties instead.
             */

            /**
             * Shape of a Switch.
             * @typedef {mswitch.state.Switch.$Properties} mswitch.state.Switch.$Shape
             */

            /**
             * Constructs a new Switch.
             * @memberof mswitch.state
             * @classdesc Represents a Switch.
             * @constructor
             * @param {mswitch.state.Switch.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Switch = function (properties) {
                this.ports = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Switch name.
             * @member {string} name
             * @memberof mswitch.state.Switch
             * @instance
             */
            Switch.prototype.name = "";

            /**
             * Switch logic.
             * @member {string} logic
             * @memberof mswitch.state.Switch
             * @instance
             */
            Switch.prototype.logic = "";

            /**
             * Switch logicConfig.
             * @member {string|null|undefined} logicConfig
             * @memberof mswitch.state.Switch
             * @instance
             */
            Switch.prototype.logicConfig = null;

            /**
             * Switch workers.
             * @member {number} workers
             * @memberof mswitch.state.Switch
             * @instance
             */
            Switch.prototype.workers = 0;

            /**
             * Switch batchSize.
             * @member {number} batchSize
             * @memberof mswitch.state.Switch
             * @instance
             */
            Switch.prototype.batchSize = 0;

            /**
             * Switch mode.
             * @member {string} mode
             * @memberof mswitch.state.Switch
             * @instance
             */
            Switch.prototype.mode = "";

            /**
             * Switch idlePolls.
             * @member {number|null|undefined} idlePolls
             * @memberof mswitch.state.Switch
             * @instance
             */
            Switch.prototype.idlePolls = null;

            /**
             * Switch idleSpinUs.
             * @member {number|null|undefined} idleSpinUs
             * @memberof mswitch.state.Switch
             * @instance
             */
            Switch.prototype.idleSpinUs = null;

            /**
             * Switch memif.
             * @member {mswitch.state.Memif.$Properties|null|undefined} memif
             * @memberof mswitch.state.Switch
             * @instance
             */
            Switch.prototype.memif = null;

            /**
             * Switch ports.
             * @member {Array.<mswitch.state.LinuxPort.$Properties>} ports
             * @memberof mswitch.state.Switch
             * @instance
             */
            Switch.prototype.ports = $util.emptyArray;

            /**
             * Switch openflow.
             * @member {mswitch.state.OpenFlow.$Properties|null|undefined} openflow
             * @memberof mswitch.state.Switch
             * @instance
             */
            Switch.prototype.openflow = null;

            /**
             * Switch flowRestore.
             * @member {boolean} flowRestore
             * @memberof mswitch.state.Switch
             * @instance
             */
            Switch.prototype.flowRestore = false;

            /**
             * Switch flows.
             * @member {mswitch.state.Flows.$Properties|null|undefined} flows
             * @memberof mswitch.state.Switch
             * @instance
             */
            Switch.prototype.flows = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Switch.prototype, "_logicConfig", {
                get: $util.oneOfGetter($oneOfFields = ["logicConfig"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Switch.prototype, "_idlePolls", {
                get: $util.oneOfGetter($oneOfFields = ["idlePolls"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Switch.prototype, "_idleSpinUs", {
                get: $util.oneOfGetter($oneOfFields = ["idleSpinUs"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Switch.prototype, "_openflow", {
                get: $util.oneOfGetter($oneOfFields = ["openflow"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Switch.prototype, "_flows", {
                get: $util.oneOfGetter($oneOfFields = ["flows"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new Switch instance using the specified properties.
             * @function create
             * @memberof mswitch.state.Switch
             * @static
             * @param {mswitch.state.Switch.$Properties=} [properties] Properties to set
             * @returns {mswitch.state.Switch} Switch instance
             * @type {{
             *   (properties: mswitch.state.Switch.$Shape): mswitch.state.Switch & mswitch.state.Switch.$Shape;
             *   (properties?: mswitch.state.Switch.$Properties): mswitch.state.Switch;
             * }}
             */
            Switch.create = function(properties) {
                return new Switch(properties);
            };

            /**
             * Encodes the specified Switch message. Does not implicitly {@link mswitch.state.Switch.verify|verify} messages.
             * @function encode
             * @memberof mswitch.state.Switch
             * @static
             * @param {mswitch.state.Switch.$Properties} message Switch message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Switch.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.name);
                if (message.logic != null && $Object.hasOwnProperty.call(message, "logic") && message.logic !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.logic);
                if (message.logicConfig != null && $Object.hasOwnProperty.call(message, "logicConfig"))
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.logicConfig);
                if (message.workers != null && $Object.hasOwnProperty.call(message, "workers") && message.workers !== 0)
                    writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.workers);
                if (message.batchSize != null && $Object.hasOwnProperty.call(message, "batchSize") && message.batchSize !== 0)
                    writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.batchSize);
                if (message.mode != null && $Object.hasOwnProperty.call(message, "mode") && message.mode !== "")
                    writer.uint32(/* id 6, wireType 2 =*/50).string(message.mode);
                if (message.idlePolls != null && $Object.hasOwnProperty.call(message, "idlePolls"))
                    writer.uint32(/* id 7, wireType 0 =*/56).uint32(message.idlePolls);
                if (message.idleSpinUs != null && $Object.hasOwnProperty.call(message, "idleSpinUs"))
                    writer.uint32(/* id 8, wireType 0 =*/64).uint32(message.idleSpinUs);
                if (message.memif != null && $Object.hasOwnProperty.call(message, "memif"))
                    $root.mswitch.state.Memif.encode(message.memif, writer.uint32(/* id 9, wireType 2 =*/74).fork(), _depth + 1).ldelim();
                if (message.ports != null && message.ports.length)
                    for (let i = 0; i < message.ports.length; ++i)
                        $root.mswitch.state.LinuxPort.encode(message.ports[i], writer.uint32(/* id 10, wireType 2 =*/82).fork(), _depth + 1).ldelim();
                if (message.openflow != null && $Object.hasOwnProperty.call(message, "openflow"))
                    $root.mswitch.state.OpenFlow.encode(message.openflow, writer.uint32(/* id 11, wireType 2 =*/90).fork(), _depth + 1).ldelim();
                if (message.flowRestore != null && $Object.hasOwnProperty.call(message, "flowRestore") && message.flowRestore !== false)
                    writer.uint32(/* id 12, wireType 0 =*/96).bool(message.flowRestore);
                if (message.flows != null && $Object.hasOwnProperty.call(message, "flows"))
                    $root.mswitch.state.Flows.encode(message.flows, writer.uint32(/* id 13, wireType 2 =*/106).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Switch message, length delimited. Does not implicitly {@link mswitch.state.Switch.verify|verify} messages.
             * @function encodeDelimited
             * @memberof mswitch.state.Switch
             * @static
             * @param {mswitch.state.Switch.$Properties} message Switch message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Switch.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Switch message from the specified reader or buffer.
             * @function decode
             * @memberof mswitch.state.Switch
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {mswitch.state.Switch & mswitch.state.Switch.$Shape} Switch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Switch.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.mswitch.state.Switch();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.name = value;
                            else
                                delete message.name;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.logic = value;
                            else
                                delete message.logic;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            message.logicConfig = reader.stringVerify();
                            message._logicConfig = "logicConfig";
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.workers = value;
                            else
                                delete message.workers;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.batchSize = value;
                            else
                                delete message.batchSize;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.mode = value;
                            else
                                delete message.mode;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 0)
                                break;
                            message.idlePolls = reader.uint32();
                            message._idlePolls = "idlePolls";
                            continue;
                        }
                    case 8: {
                            if (wireType !== 0)
                                break;
                            message.idleSpinUs = reader.uint32();
                            message._idleSpinUs = "idleSpinUs";
                            continue;
                        }
                    case 9: {
                            if (wireType !== 2)
                                break;
                            message.memif = $root.mswitch.state.Memif.decode(reader, reader.size(), $undefined, _depth + 1, message.memif);
                            continue;
                        }
                    case 10: {
                            if (wireType !== 2)
                                break;
                            if (!(message.ports && message.ports.length))
                                message.ports = [];
                            message.ports.push($root.mswitch.state.LinuxPort.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 11: {
                            if (wireType !== 2)
                                break;
                            message.openflow = $root.mswitch.state.OpenFlow.decode(reader, reader.size(), $undefined, _depth + 1, message.openflow);
                            message._openflow = "openflow";
                            continue;
                        }
                    case 12: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.flowRestore = value;
                            else
                                delete message.flowRestore;
                            continue;
                        }
                    case 13: {
                            if (wireType !== 2)
                                break;
                            message.flows = $root.mswitch.state.Flows.decode(reader, reader.size(), $undefined, _depth + 1, message.flows);
                            message._flows = "flows";
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a Switch message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof mswitch.state.Switch
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {mswitch.state.Switch & mswitch.state.Switch.$Shape} Switch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Switch.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Switch message.
             * @function verify
             * @memberof mswitch.state.Switch
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Switch.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                let properties = {};
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    if (!$util.isString(message.name))
                        return "name: string expected";
                if (message.logic != null && $Object.hasOwnProperty.call(message, "logic"))
                    if (!$util.isString(message.logic))
                        return "logic: string expected";
                if (message.logicConfig != null && $Object.hasOwnProperty.call(message, "logicConfig")) {
                    properties._logicConfig = 1;
                    if (!$util.isString(message.logicConfig))
                        return "logicConfig: string expected";
                }
                if (message.workers != null && $Object.hasOwnProperty.call(message, "workers"))
                    if (!$util.isInteger(message.workers))
                        return "workers: integer expected";
                if (message.batchSize != null && $Object.hasOwnProperty.call(message, "batchSize"))
                    if (!$util.isInteger(message.batchSize))
                        return "batchSize: integer expected";
                if (message.mode != null && $Object.hasOwnProperty.call(message, "mode"))
                    if (!$util.isString(message.mode))
                        return "mode: string expected";
                if (message.idlePolls != null && $Object.hasOwnProperty.call(message, "idlePolls")) {
                    properties._idlePolls = 1;
                    if (!$util.isInteger(message.idlePolls))
                        return "idlePolls: integer expected";
                }
                if (message.idleSpinUs != null && $Object.hasOwnProperty.call(message, "idleSpinUs")) {
                    properties._idleSpinUs = 1;
                    if (!$util.isInteger(message.idleSpinUs))
                        return "idleSpinUs: integer expected";
                }
                if (message.memif != null && $Object.hasOwnProperty.call(message, "memif")) {
                    let error = $root.mswitch.state.Memif.verify(message.memif, _depth + 1);
                    if (error)
                        return "memif." + error;
                }
                if (message.ports != null && $Object.hasOwnProperty.call(message, "ports")) {
                    if (!$Array.isArray(message.ports))
                        return "ports: array expected";
                    for (let i = 0; i < message.ports.length; ++i) {
                        let error = $root.mswitch.state.LinuxPort.verify(message.ports[i], _depth + 1);
                        if (error)
                            return "ports." + error;
                    }
                }
                if (message.openflow != null && $Object.hasOwnProperty.call(message, "openflow")) {
                    properties._openflow = 1;
                    {
                        let error = $root.mswitch.state.OpenFlow.verify(message.openflow, _depth + 1);
                        if (error)
                            return "openflow." + error;
                    }
                }
                if (message.flowRestore != null && $Object.hasOwnProperty.call(message, "flowRestore"))
                    if (typeof message.flowRestore !== "boolean")
                        return "flowRestore: boolean expected";
                if (message.flows != null && $Object.hasOwnProperty.call(message, "flows")) {
                    properties._flows = 1;
                    {
                        let error = $root.mswitch.state.Flows.verify(message.flows, _depth + 1);
                        if (error)
                            return "flows." + error;
                    }
                }
                return null;
            };

            /**
             * Creates a Switch message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof mswitch.state.Switch
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {mswitch.state.Switch} Switch
             */
            Switch.fromObject = function (object, _depth) {
                if (object instanceof $root.mswitch.state.Switch)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".mswitch.state.Switch: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.mswitch.state.Switch();
                if (object.name != null)
                    if (typeof object.name !== "string" || object.name.length)
                        message.name = $String(object.name);
                if (object.logic != null)
                    if (typeof object.logic !== "string" || object.logic.length)
                        message.logic = $String(object.logic);
                if (object.logicConfig != null)
                    message.logicConfig = $String(object.logicConfig);
                if (object.workers != null)
                    if ($Number(object.workers) !== 0)
                        message.workers = object.workers >>> 0;
                if (object.batchSize != null)
                    if ($Number(object.batchSize) !== 0)
                        message.batchSize = object.batchSize >>> 0;
                if (object.mode != null)
                    if (typeof object.mode !== "string" || object.mode.length)
                        message.mode = $String(object.mode);
                if (object.idlePolls != null)
                    message.idlePolls = object.idlePolls >>> 0;
                if (object.idleSpinUs != null)
                    message.idleSpinUs = object.idleSpinUs >>> 0;
                if (object.memif != null) {
                    if (!$util.isObject(object.memif))
                        throw $TypeError(".mswitch.state.Switch.memif: object expected");
                    message.memif = $root.mswitch.state.Memif.fromObject(object.memif, _depth + 1);
                }
                if (object.ports) {
                    if (!$Array.isArray(object.ports))
                        throw $TypeError(".mswitch.state.Switch.ports: array expected");
                    message.ports = $Array(object.ports.length);
                    for (let i = 0; i < object.ports.length; ++i) {
                        if (!$util.isObject(object.ports[i]))
                            throw $TypeError(".mswitch.state.Switch.ports: object expected");
                        message.ports[i] = $root.mswitch.state.LinuxPort.fromObject(object.ports[i], _depth + 1);
                    }
                }
                if (object.openflow != null) {
                    if (!$util.isObject(object.openflow))
                        throw $TypeError(".mswitch.state.Switch.openflow: object expected");
                    message.openflow = $root.mswitch.state.OpenFlow.fromObject(object.openflow, _depth + 1);
                }
                if (object.flowRestore != null)
                    if (object.flowRestore)
                        message.flowRestore = $Boolean(object.flowRestore);
                if (object.flows != null) {
                    if (!$util.isObject(object.flows))
                        throw $TypeError(".mswitch.state.Switch.flows: object expected");
                    message.flows = $root.mswitch.state.Flows.fromObject(object.flows, _depth + 1);
                }
                return message;
            };

            /**
             * Creates a plain object from a Switch message. Also converts values to other types if specified.
             * @function toObject
             * @memberof mswitch.state.Switch
             * @static
             * @param {mswitch.state.Switch} message Switch
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Switch.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.arrays || options.defaults)
                    object.ports = [];
                if (options.defaults) {
                    object.name = "";
                    object.logic = "";
                    object.workers = 0;
                    object.batchSize = 0;
                    object.mode = "";
                    object.memif = null;
                    object.flowRestore = false;
                }
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                if (message.logic != null && $Object.hasOwnProperty.call(message, "logic"))
                    object.logic = message.logic;
                if (message.logicConfig != null && $Object.hasOwnProperty.call(message, "logicConfig"))
                    object.logicConfig = message.logicConfig;
                if (message.workers != null && $Object.hasOwnProperty.call(message, "workers"))
                    object.workers = message.workers;
                if (message.batchSize != null && $Object.hasOwnProperty.call(message, "batchSize"))
                    object.batchSize = message.batchSize;
                if (message.mode != null && $Object.hasOwnProperty.call(message, "mode"))
                    object.mode = message.mode;
                if (message.idlePolls != null && $Object.hasOwnProperty.call(message, "idlePolls"))
                    object.idlePolls = message.idlePolls;
                if (message.idleSpinUs != null && $Object.hasOwnProperty.call(message, "idleSpinUs"))
                    object.idleSpinUs = message.idleSpinUs;
                if (message.memif != null && $Object.hasOwnProperty.call(message, "memif"))
                    object.memif = $root.mswitch.state.Memif.toObject(message.memif, options, _depth + 1);
                if (message.ports && message.ports.length) {
                    object.ports = $Array(message.ports.length);
                    for (let j = 0; j < message.ports.length; ++j)
                        object.ports[j] = $root.mswitch.state.LinuxPort.toObject(message.ports[j], options, _depth + 1);
                }
                if (message.openflow != null && $Object.hasOwnProperty.call(message, "openflow"))
                    object.openflow = $root.mswitch.state.OpenFlow.toObject(message.openflow, options, _depth + 1);
                if (message.flowRestore != null && $Object.hasOwnProperty.call(message, "flowRestore"))
                    object.flowRestore = message.flowRestore;
                if (message.flows != null && $Object.hasOwnProperty.call(message, "flows"))
                    object.flows = $root.mswitch.state.Flows.toObject(message.flows, options, _depth + 1);
                return object;
            };

            /**
             * Converts this Switch to JSON.
             * @function toJSON
             * @memberof mswitch.state.Switch
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Switch.prototype.toJSON = function() {
                return Switch.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Switch
             * @function getTypeUrl
             * @memberof mswitch.state.Switch
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Switch.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mswitch.state.Switch";
            };

            return Switch;
        })();

        state.Memif = (function() {

            /**
             * Properties of a Memif.
             * @typedef {Object} mswitch.state.Memif.$Properties
             * @property {string|null} [socket] Memif socket
             * @property {boolean|null} [abstract] Memif abstract
             * @property {boolean|null} [autoCreate] Memif autoCreate
             * @property {string|null} [secret] Memif secret
             * @property {Array.<mswitch.state.MemifInterface.$Properties>|null} [interfaces] Memif interfaces
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Memif.
             * @memberof mswitch.state
             * @interface IMemif
             * @augments mswitch.state.Memif.$Properties
             * @deprecated Use mswitch.state.Memif.$Properties instead.
             */

            /**
             * Shape of a Memif.
             * @typedef {mswitch.state.Memif.$Properties} mswitch.state.Memif.$Shape
             */

            /**
             * Constructs a new Memif.
             * @memberof mswitch.state
             * @classdesc Represents a Memif.
             * @constructor
             * @param {mswitch.state.Memif.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Memif = function (properties) {
                this.interfaces = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Memif socket.
             * @member {string} socket
             * @memberof mswitch.state.Memif
             * @instance
             */
            Memif.prototype.socket = "";

            /**
             * Memif abstract.
             * @member {boolean} abstract
             * @memberof mswitch.state.Memif
             * @instance
             */
            Memif.prototype.abstract = false;

            /**
             * Memif autoCreate.
             * @member {boolean} autoCreate
             * @memberof mswitch.state.Memif
             * @instance
             */
            Memif.prototype.autoCreate = false;

            /**
             * Memif secret.
             * @member {string|null|undefined} secret
             * @memberof mswitch.state.Memif
             * @instance
             */
            Memif.prototype.secret = null;

            /**
             * Memif interfaces.
             * @member {Array.<mswitch.state.MemifInterface.$Properties>} interfaces
             * @memberof mswitch.state.Memif
             * @instance
             */
            Memif.prototype.interfaces = $util.emptyArray;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Memif.prototype, "_secret", {
                get: $util.oneOfGetter($oneOfFields = ["secret"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new Memif instance using the specified properties.
             * @function create
             * @memberof mswitch.state.Memif
             * @static
             * @param {mswitch.state.Memif.$Properties=} [properties] Properties to set
             * @returns {mswitch.state.Memif} Memif instance
             * @type {{
             *   (properties: mswitch.state.Memif.$Shape): mswitch.state.Memif & mswitch.state.Memif.$Shape;
             *   (properties?: mswitch.state.Memif.$Properties): mswitch.state.Memif;
             * }}
             */
            Memif.create = function(properties) {
                return new Memif(properties);
            };

            /**
             * Encodes the specified Memif message. Does not implicitly {@link mswitch.state.Memif.verify|verify} messages.
             * @function encode
             * @memberof mswitch.state.Memif
             * @static
             * @param {mswitch.state.Memif.$Properties} message Memif message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Memif.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.socket != null && $Object.hasOwnProperty.call(message, "socket") && message.socket !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.socket);
                if (message.abstract != null && $Object.hasOwnProperty.call(message, "abstract") && message.abstract !== false)
                    writer.uint32(/* id 2, wireType 0 =*/16).bool(message.abstract);
                if (message.autoCreate != null && $Object.hasOwnProperty.call(message, "autoCreate") && message.autoCreate !== false)
                    writer.uint32(/* id 3, wireType 0 =*/24).bool(message.autoCreate);
                if (message.secret != null && $Object.hasOwnProperty.call(message, "secret"))
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.secret);
                if (message.interfaces != null && message.interfaces.length)
                    for (let i = 0; i < message.interfaces.length; ++i)
                        $root.mswitch.state.MemifInterface.encode(message.interfaces[i], writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Memif message, length delimited. Does not implicitly {@link mswitch.state.Memif.verify|verify} messages.
             * @function encodeDelimited
             * @memberof mswitch.state.Memif
             * @static
             * @param {mswitch.state.Memif.$Properties} message Memif message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Memif.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Memif message from the specified reader or buffer.
             * @function decode
             * @memberof mswitch.state.Memif
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {mswitch.state.Memif & mswitch.state.Memif.$Shape} Memif
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Memif.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.mswitch.state.Memif();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.socket = value;
                            else
                                delete message.socket;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.abstract = value;
                            else
                                delete message.abstract;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.autoCreate = value;
                            else
                                delete message.autoCreate;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            message.secret = reader.stringVerify();
                            message._secret = "secret";
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if (!(message.interfaces && message.interfaces.length))
                                message.interfaces = [];
                            message.interfaces.push($root.mswitch.state.MemifInterface.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a Memif message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof mswitch.state.Memif
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {mswitch.state.Memif & mswitch.state.Memif.$Shape} Memif
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Memif.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Memif message.
             * @function verify
             * @memberof mswitch.state.Memif
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Memif.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                let properties = {};
                if (message.socket != null && $Object.hasOwnProperty.call(message, "socket"))
                    if (!$util.isString(message.socket))
                        return "socket: string expected";
                if (message.abstract != null && $Object.hasOwnProperty.call(message, "abstract"))
                    if (typeof message.abstract !== "boolean")
                        return "abstract: boolean expected";
                if (message.autoCreate != null && $Object.hasOwnProperty.call(message, "autoCreate"))
                    if (typeof message.autoCreate !== "boolean")
                        return "autoCreate: boolean expected";
                if (message.secret != null && $Object.hasOwnProperty.call(message, "secret")) {
                    properties._secret = 1;
                    if (!$util.isString(message.secret))
                        return "secret: string expected";
                }
                if (message.interfaces != null && $Object.hasOwnProperty.call(message, "interfaces")) {
                    if (!$Array.isArray(message.interfaces))
                        return "interfaces: array expected";
                    for (let i = 0; i < message.interfaces.length; ++i) {
                        let error = $root.mswitch.state.MemifInterface.verify(message.interfaces[i], _depth + 1);
                        if (error)
                            return "interfaces." + error;
                    }
                }
                return null;
            };

            /**
             * Creates a Memif message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof mswitch.state.Memif
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {mswitch.state.Memif} Memif
             */
            Memif.fromObject = function (object, _depth) {
                if (object instanceof $root.mswitch.state.Memif)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".mswitch.state.Memif: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.mswitch.state.Memif();
                if (object.socket != null)
                    if (typeof object.socket !== "string" || object.socket.length)
                        message.socket = $String(object.socket);
                if (object.abstract != null)
                    if (object.abstract)
                        message.abstract = $Boolean(object.abstract);
                if (object.autoCreate != null)
                    if (object.autoCreate)
                        message.autoCreate = $Boolean(object.autoCreate);
                if (object.secret != null)
                    message.secret = $String(object.secret);
                if (object.interfaces) {
                    if (!$Array.isArray(object.interfaces))
                        throw $TypeError(".mswitch.state.Memif.interfaces: array expected");
                    message.interfaces = $Array(object.interfaces.length);
                    for (let i = 0; i < object.interfaces.length; ++i) {
                        if (!$util.isObject(object.interfaces[i]))
                            throw $TypeError(".mswitch.state.Memif.interfaces: object expected");
                        message.interfaces[i] = $root.mswitch.state.MemifInterface.fromObject(object.interfaces[i], _depth + 1);
                    }
                }
                return message;
            };

            /**
             * Creates a plain object from a Memif message. Also converts values to other types if specified.
             * @function toObject
             * @memberof mswitch.state.Memif
             * @static
             * @param {mswitch.state.Memif} message Memif
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Memif.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.arrays || options.defaults)
                    object.interfaces = [];
                if (options.defaults) {
                    object.socket = "";
                    object.abstract = false;
                    object.autoCreate = false;
                }
                if (message.socket != null && $Object.hasOwnProperty.call(message, "socket"))
                    object.socket = message.socket;
                if (message.abstract != null && $Object.hasOwnProperty.call(message, "abstract"))
                    object.abstract = message.abstract;
                if (message.autoCreate != null && $Object.hasOwnProperty.call(message, "autoCreate"))
                    object.autoCreate = message.autoCreate;
                if (message.secret != null && $Object.hasOwnProperty.call(message, "secret"))
                    object.secret = message.secret;
                if (message.interfaces && message.interfaces.length) {
                    object.interfaces = $Array(message.interfaces.length);
                    for (let j = 0; j < message.interfaces.length; ++j)
                        object.interfaces[j] = $root.mswitch.state.MemifInterface.toObject(message.interfaces[j], options, _depth + 1);
                }
                return object;
            };

            /**
             * Converts this Memif to JSON.
             * @function toJSON
             * @memberof mswitch.state.Memif
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Memif.prototype.toJSON = function() {
                return Memif.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Memif
             * @function getTypeUrl
             * @memberof mswitch.state.Memif
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Memif.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mswitch.state.Memif";
            };

            return Memif;
        })();

        state.MemifInterface = (function() {

            /**
             * Properties of a MemifInterface.
             * @typedef {Object} mswitch.state.MemifInterface.$Properties
             * @property {number|null} [id] MemifInterface id
             * @property {string|null} [name] MemifInterface name
             * @property {number|null} [port] MemifInterface port
             * @property {string|null} [secret] MemifInterface secret
             * @property {number|null} [worker] MemifInterface worker
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a MemifInterface.
             * @memberof mswitch.state
             * @interface IMemifInterface
             * @augments mswitch.state.MemifInterface.$Properties
             * @deprecated Use mswitch.state.MemifInterface.$Properties instead.
             */

            /**
             * Shape of a MemifInterface.
             * @typedef {mswitch.state.MemifInterface.$Properties} mswitch.state.MemifInterface.$Shape
             */

            /**
             * Constructs a new MemifInterface.
             * @memberof mswitch.state
             * @classdesc Represents a MemifInterface.
             * @constructor
             * @param {mswitch.state.MemifInterface.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const MemifInterface = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * MemifInterface id.
             * @member {number} id
             * @memberof mswitch.state.MemifInterface
             * @instance
             */
            MemifInterface.prototype.id = 0;

            /**
             * MemifInterface name.
             * @member {string|null|undefined} name
             * @memberof mswitch.state.MemifInterface
             * @instance
             */
            MemifInterface.prototype.name = null;

            /**
             * MemifInterface port.
             * @member {number|null|undefined} port
             * @memberof mswitch.state.MemifInterface
             * @instance
             */
            MemifInterface.prototype.port = null;

            /**
             * MemifInterface secret.
             * @member {string|null|undefined} secret
             * @memberof mswitch.state.MemifInterface
             * @instance
             */
            MemifInterface.prototype.secret = null;

            /**
             * MemifInterface worker.
             * @member {number|null|undefined} worker
             * @memberof mswitch.state.MemifInterface
             * @instance
             */
            MemifInterface.prototype.worker = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(MemifInterface.prototype, "_name", {
                get: $util.oneOfGetter($oneOfFields = ["name"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(MemifInterface.prototype, "_port", {
                get: $util.oneOfGetter($oneOfFields = ["port"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(MemifInterface.prototype, "_secret", {
                get: $util.oneOfGetter($oneOfFields = ["secret"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(MemifInterface.prototype, "_worker", {
                get: $util.oneOfGetter($oneOfFields = ["worker"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new MemifInterface instance using the specified properties.
             * @function create
             * @memberof mswitch.state.MemifInterface
             * @static
             * @param {mswitch.state.MemifInterface.$Properties=} [properties] Properties to set
             * @returns {mswitch.state.MemifInterface} MemifInterface instance
             * @type {{
             *   (properties: mswitch.state.MemifInterface.$Shape): mswitch.state.MemifInterface & mswitch.state.MemifInterface.$Shape;
             *   (properties?: mswitch.state.MemifInterface.$Properties): mswitch.state.MemifInterface;
             * }}
             */
            MemifInterface.create = function(properties) {
                return new MemifInterface(properties);
            };

            /**
             * Encodes the specified MemifInterface message. Does not implicitly {@link mswitch.state.MemifInterface.verify|verify} messages.
             * @function encode
             * @memberof mswitch.state.MemifInterface
             * @static
             * @param {mswitch.state.MemifInterface.$Properties} message MemifInterface message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            MemifInterface.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.id != null && $Object.hasOwnProperty.call(message, "id") && message.id !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.id);
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.name);
                if (message.port != null && $Object.hasOwnProperty.call(message, "port"))
                    writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.port);
                if (message.secret != null && $Object.hasOwnProperty.call(message, "secret"))
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.secret);
                if (message.worker != null && $Object.hasOwnProperty.call(message, "worker"))
                    writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.worker);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified MemifInterface message, length delimited. Does not implicitly {@link mswitch.state.MemifInterface.verify|verify} messages.
             * @function encodeDelimited
             * @memberof mswitch.state.MemifInterface
             * @static
             * @param {mswitch.state.MemifInterface.$Properties} message MemifInterface message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            MemifInterface.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a MemifInterface message from the specified reader or buffer.
             * @function decode
             * @memberof mswitch.state.MemifInterface
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {mswitch.state.MemifInterface & mswitch.state.MemifInterface.$Shape} MemifInterface
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            MemifInterface.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.mswitch.state.MemifInterface();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.id = value;
                            else
                                delete message.id;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            message.name = reader.stringVerify();
                            message._name = "name";
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            message.port = reader.uint32();
                            message._port = "port";
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            message.secret = reader.stringVerify();
                            message._secret = "secret";
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            message.worker = reader.uint32();
                            message._worker = "worker";
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a MemifInterface message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof mswitch.state.MemifInterface
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {mswitch.state.MemifInterface & mswitch.state.MemifInterface.$Shape} MemifInterface
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            MemifInterface.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a MemifInterface message.
             * @function verify
             * @memberof mswitch.state.MemifInterface
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            MemifInterface.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                let properties = {};
                if (message.id != null && $Object.hasOwnProperty.call(message, "id"))
                    if (!$util.isInteger(message.id))
                        return "id: integer expected";
                if (message.name != null && $Object.hasOwnProperty.call(message, "name")) {
                    properties._name = 1;
                    if (!$util.isString(message.name))
                        return "name: string expected";
                }
                if (message.port != null && $Object.hasOwnProperty.call(message, "port")) {
                    properties._port = 1;
                    if (!$util.isInteger(message.port))
                        return "port: integer expected";
                }
                if (message.secret != null && $Object.hasOwnProperty.call(message, "secret")) {
                    properties._secret = 1;
                    if (!$util.isString(message.secret))
                        return "secret: string expected";
                }
                if (message.worker != null && $Object.hasOwnProperty.call(message, "worker")) {
                    properties._worker = 1;
                    if (!$util.isInteger(message.worker))
                        return "worker: integer expected";
                }
                return null;
            };

            /**
             * Creates a MemifInterface message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof mswitch.state.MemifInterface
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {mswitch.state.MemifInterface} MemifInterface
             */
            MemifInterface.fromObject = function (object, _depth) {
                if (object instanceof $root.mswitch.state.MemifInterface)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".mswitch.state.MemifInterface: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.mswitch.state.MemifInterface();
                if (object.id != null)
                    if ($Number(object.id) !== 0)
                        message.id = object.id >>> 0;
                if (object.name != null)
                    message.name = $String(object.name);
                if (object.port != null)
                    message.port = object.port >>> 0;
                if (object.secret != null)
                    message.secret = $String(object.secret);
                if (object.worker != null)
                    message.worker = object.worker >>> 0;
                return message;
            };

            /**
             * Creates a plain object from a MemifInterface message. Also converts values to other types if specified.
             * @function toObject
             * @memberof mswitch.state.MemifInterface
             * @static
             * @param {mswitch.state.MemifInterface} message MemifInterface
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            MemifInterface.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults)
                    object.id = 0;
                if (message.id != null && $Object.hasOwnProperty.call(message, "id"))
                    object.id = message.id;
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                if (message.port != null && $Object.hasOwnProperty.call(message, "port"))
                    object.port = message.port;
                if (message.secret != null && $Object.hasOwnProperty.call(message, "secret"))
                    object.secret = message.secret;
                if (message.worker != null && $Object.hasOwnProperty.call(message, "worker"))
                    object.worker = message.worker;
                return object;
            };

            /**
             * Converts this MemifInterface to JSON.
             * @function toJSON
             * @memberof mswitch.state.MemifInterface
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            MemifInterface.prototype.toJSON = function() {
                return MemifInterface.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for MemifInterface
             * @function getTypeUrl
             * @memberof mswitch.state.MemifInterface
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            MemifInterface.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mswitch.state.MemifInterface";
            };

            return MemifInterface;
        })();

        state.LinuxPort = (function() {

            /**
             * Properties of a LinuxPort.
             * @typedef {Object} mswitch.state.LinuxPort.$Properties
             * @property {string|null} [ifname] LinuxPort ifname
             * @property {string|null} [type] LinuxPort type
             * @property {string|null} [name] LinuxPort name
             * @property {number|null} [port] LinuxPort port
             * @property {number|null} [worker] LinuxPort worker
             * @property {string|null} [mac] LinuxPort mac
             * @property {number|null} [mtu] LinuxPort mtu
             * @property {boolean|null} [up] LinuxPort up
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a LinuxPort.
             * @memberof mswitch.state
             * @interface ILinuxPort
             * @augments mswitch.state.LinuxPort.$Properties
             * @deprecated Use mswitch.state.LinuxPort.$Properties instead.
             */

            /**
             * Shape of a LinuxPort.
             * @typedef {mswitch.state.LinuxPort.$Properties} mswitch.state.LinuxPort.$Shape
             */

            /**
             * Constructs a new LinuxPort.
             * @memberof mswitch.state
             * @classdesc Represents a LinuxPort.
             * @constructor
             * @param {mswitch.state.LinuxPort.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const LinuxPort = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * LinuxPort ifname.
             * @member {string|null|undefined} ifname
             * @memberof mswitch.state.LinuxPort
             * @instance
             */
            LinuxPort.prototype.ifname = null;

            /**
             * LinuxPort type.
             * @member {string|null|undefined} type
             * @memberof mswitch.state.LinuxPort
             * @instance
             */
            LinuxPort.prototype.type = null;

            /**
             * LinuxPort name.
             * @member {string|null|undefined} name
             * @memberof mswitch.state.LinuxPort
             * @instance
             */
            LinuxPort.prototype.name = null;

            /**
             * LinuxPort port.
             * @member {number|null|undefined} port
             * @memberof mswitch.state.LinuxPort
             * @instance
             */
            LinuxPort.prototype.port = null;

            /**
             * LinuxPort worker.
             * @member {number|null|undefined} worker
             * @memberof mswitch.state.LinuxPort
             * @instance
             */
            LinuxPort.prototype.worker = null;

            /**
             * LinuxPort mac.
             * @member {string|null|undefined} mac
             * @memberof mswitch.state.LinuxPort
             * @instance
             */
            LinuxPort.prototype.mac = null;

            /**
             * LinuxPort mtu.
             * @member {number|null|undefined} mtu
             * @memberof mswitch.state.LinuxPort
             * @instance
             */
            LinuxPort.prototype.mtu = null;

            /**
             * LinuxPort up.
             * @member {boolean|null|undefined} up
             * @memberof mswitch.state.LinuxPort
             * @instance
             */
            LinuxPort.prototype.up = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(LinuxPort.prototype, "_ifname", {
                get: $util.oneOfGetter($oneOfFields = ["ifname"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(LinuxPort.prototype, "_type", {
                get: $util.oneOfGetter($oneOfFields = ["type"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(LinuxPort.prototype, "_name", {
                get: $util.oneOfGetter($oneOfFields = ["name"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(LinuxPort.prototype, "_port", {
                get: $util.oneOfGetter($oneOfFields = ["port"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(LinuxPort.prototype, "_worker", {
                get: $util.oneOfGetter($oneOfFields = ["worker"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(LinuxPort.prototype, "_mac", {
                get: $util.oneOfGetter($oneOfFields = ["mac"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(LinuxPort.prototype, "_mtu", {
                get: $util.oneOfGetter($oneOfFields = ["mtu"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(LinuxPort.prototype, "_up", {
                get: $util.oneOfGetter($oneOfFields = ["up"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new LinuxPort instance using the specified properties.
             * @function create
             * @memberof mswitch.state.LinuxPort
             * @static
             * @param {mswitch.state.LinuxPort.$Properties=} [properties] Properties to set
             * @returns {mswitch.state.LinuxPort} LinuxPort instance
             * @type {{
             *   (properties: mswitch.state.LinuxPort.$Shape): mswitch.state.LinuxPort & mswitch.state.LinuxPort.$Shape;
             *   (properties?: mswitch.state.LinuxPort.$Properties): mswitch.state.LinuxPort;
             * }}
             */
            LinuxPort.create = function(properties) {
                return new LinuxPort(properties);
            };

            /**
             * Encodes the specified LinuxPort message. Does not implicitly {@link mswitch.state.LinuxPort.verify|verify} messages.
             * @function encode
             * @memberof mswitch.state.LinuxPort
             * @static
             * @param {mswitch.state.LinuxPort.$Properties} message LinuxPort message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            LinuxPort.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.ifname != null && $Object.hasOwnProperty.call(message, "ifname"))
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.ifname);
                if (message.type != null && $Object.hasOwnProperty.call(message, "type"))
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.type);
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.name);
                if (message.port != null && $Object.hasOwnProperty.call(message, "port"))
                    writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.port);
                if (message.worker != null && $Object.hasOwnProperty.call(message, "worker"))
                    writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.worker);
                if (message.mac != null && $Object.hasOwnProperty.call(message, "mac"))
                    writer.uint32(/* id 6, wireType 2 =*/50).string(message.mac);
                if (message.mtu != null && $Object.hasOwnProperty.call(message, "mtu"))
                    writer.uint32(/* id 7, wireType 0 =*/56).uint32(message.mtu);
                if (message.up != null && $Object.hasOwnProperty.call(message, "up"))
                    writer.uint32(/* id 8, wireType 0 =*/64).bool(message.up);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified LinuxPort message, length delimited. Does not implicitly {@link mswitch.state.LinuxPort.verify|verify} messages.
             * @function encodeDelimited
             * @memberof mswitch.state.LinuxPort
             * @static
             * @param {mswitch.state.LinuxPort.$Properties} message LinuxPort message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            LinuxPort.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a LinuxPort message from the specified reader or buffer.
             * @function decode
             * @memberof mswitch.state.LinuxPort
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {mswitch.state.LinuxPort & mswitch.state.LinuxPort.$Shape} LinuxPort
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            LinuxPort.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.mswitch.state.LinuxPort();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            message.ifname = reader.stringVerify();
                            message._ifname = "ifname";
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            message.type = reader.stringVerify();
                            message._type = "type";
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            message.name = reader.stringVerify();
                            message._name = "name";
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            message.port = reader.uint32();
                            message._port = "port";
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            message.worker = reader.uint32();
                            message._worker = "worker";
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            message.mac = reader.stringVerify();
                            message._mac = "mac";
                            continue;
                        }
                    case 7: {
                            if (wireType !== 0)
                                break;
                            message.mtu = reader.uint32();
                            message._mtu = "mtu";
                            continue;
                        }
                    case 8: {
                            if (wireType !== 0)
                                break;
                            message.up = reader.bool();
                            message._up = "up";
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a LinuxPort message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof mswitch.state.LinuxPort
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {mswitch.state.LinuxPort & mswitch.state.LinuxPort.$Shape} LinuxPort
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            LinuxPort.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a LinuxPort message.
             * @function verify
             * @memberof mswitch.state.LinuxPort
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            LinuxPort.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                let properties = {};
                if (message.ifname != null && $Object.hasOwnProperty.call(message, "ifname")) {
                    properties._ifname = 1;
                    if (!$util.isString(message.ifname))
                        return "ifname: string expected";
                }
                if (message.type != null && $Object.hasOwnProperty.call(message, "type")) {
                    properties._type = 1;
                    if (!$util.isString(message.type))
                        return "type: string expected";
                }
                if (message.name != null && $Object.hasOwnProperty.call(message, "name")) {
                    properties._name = 1;
                    if (!$util.isString(message.name))
                        return "name: string expected";
                }
                if (message.port != null && $Object.hasOwnProperty.call(message, "port")) {
                    properties._port = 1;
                    if (!$util.isInteger(message.port))
                        return "port: integer expected";
                }
                if (message.worker != null && $Object.hasOwnProperty.call(message, "worker")) {
                    properties._worker = 1;
                    if (!$util.isInteger(message.worker))
                        return "worker: integer expected";
                }
                if (message.mac != null && $Object.hasOwnProperty.call(message, "mac")) {
                    properties._mac = 1;
                    if (!$util.isString(message.mac))
                        return "mac: string expected";
                }
                if (message.mtu != null && $Object.hasOwnProperty.call(message, "mtu")) {
                    properties._mtu = 1;
                    if (!$util.isInteger(message.mtu))
                        return "mtu: integer expected";
                }
                if (message.up != null && $Object.hasOwnProperty.call(message, "up")) {
                    properties._up = 1;
                    if (typeof message.up !== "boolean")
                        return "up: boolean expected";
                }
                return null;
            };

            /**
             * Creates a LinuxPort message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof mswitch.state.LinuxPort
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {mswitch.state.LinuxPort} LinuxPort
             */
            LinuxPort.fromObject = function (object, _depth) {
                if (object instanceof $root.mswitch.state.LinuxPort)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".mswitch.state.LinuxPort: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.mswitch.state.LinuxPort();
                if (object.ifname != null)
                    message.ifname = $String(object.ifname);
                if (object.type != null)
                    message.type = $String(object.type);
                if (object.name != null)
                    message.name = $String(object.name);
                if (object.port != null)
                    message.port = object.port >>> 0;
                if (object.worker != null)
                    message.worker = object.worker >>> 0;
                if (object.mac != null)
                    message.mac = $String(object.mac);
                if (object.mtu != null)
                    message.mtu = object.mtu >>> 0;
                if (object.up != null)
                    message.up = $Boolean(object.up);
                return message;
            };

            /**
             * Creates a plain object from a LinuxPort message. Also converts values to other types if specified.
             * @function toObject
             * @memberof mswitch.state.LinuxPort
             * @static
             * @param {mswitch.state.LinuxPort} message LinuxPort
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            LinuxPort.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (message.ifname != null && $Object.hasOwnProperty.call(message, "ifname"))
                    object.ifname = message.ifname;
                if (message.type != null && $Object.hasOwnProperty.call(message, "type"))
                    object.type = message.type;
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                if (message.port != null && $Object.hasOwnProperty.call(message, "port"))
                    object.port = message.port;
                if (message.worker != null && $Object.hasOwnProperty.call(message, "worker"))
                    object.worker = message.worker;
                if (message.mac != null && $Object.hasOwnProperty.call(message, "mac"))
                    object.mac = message.mac;
                if (message.mtu != null && $Object.hasOwnProperty.call(message, "mtu"))
                    object.mtu = message.mtu;
                if (message.up != null && $Object.hasOwnProperty.call(message, "up"))
                    object.up = message.up;
                return object;
            };

            /**
             * Converts this LinuxPort to JSON.
             * @function toJSON
             * @memberof mswitch.state.LinuxPort
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            LinuxPort.prototype.toJSON = function() {
                return LinuxPort.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for LinuxPort
             * @function getTypeUrl
             * @memberof mswitch.state.LinuxPort
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            LinuxPort.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mswitch.state.LinuxPort";
            };

            return LinuxPort;
        })();

        state.OpenFlow = (function() {

            /**
             * Properties of an OpenFlow.
             * @typedef {Object} mswitch.state.OpenFlow.$Properties
             * @property {Array.<string>|null} [controllers] OpenFlow controllers
             * @property {Array.<string>|null} [listeners] OpenFlow listeners
             * @property {string|null} [failMode] OpenFlow failMode
             * @property {Array.<number>|null} [protocols] OpenFlow protocols
             * @property {string|null} [datapathId] OpenFlow datapathId
             * @property {number|null} [inactivityProbeMs] OpenFlow inactivityProbeMs
             * @property {number|null} [failWindowMs] OpenFlow failWindowMs
             * @property {mswitch.state.Tls.$Properties|null} [tls] OpenFlow tls
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an OpenFlow.
             * @memberof mswitch.state
             * @interface IOpenFlow
             * @augments mswitch.state.OpenFlow.$Properties
             * @deprecated Use mswitch.state.OpenFlow.$Properties instead.
             */

            /**
             * Shape of an OpenFlow.
             * @typedef {mswitch.state.OpenFlow.$Properties} mswitch.state.OpenFlow.$Shape
             */

            /**
             * Constructs a new OpenFlow.
             * @memberof mswitch.state
             * @classdesc Represents an OpenFlow.
             * @constructor
             * @param {mswitch.state.OpenFlow.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const OpenFlow = function (properties) {
                this.controllers = [];
                this.listeners = [];
                this.protocols = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * OpenFlow controllers.
             * @member {Array.<string>} controllers
             * @memberof mswitch.state.OpenFlow
             * @instance
             */
            OpenFlow.prototype.controllers = $util.emptyArray;

            /**
             * OpenFlow listeners.
             * @member {Array.<string>} listeners
             * @memberof mswitch.state.OpenFlow
             * @instance
             */
            OpenFlow.prototype.listeners = $util.emptyArray;

            /**
             * OpenFlow failMode.
             * @member {string} failMode
             * @memberof mswitch.state.OpenFlow
             * @instance
             */
            OpenFlow.prototype.failMode = "";

            /**
             * OpenFlow protocols.
             * @member {Array.<number>} protocols
             * @memberof mswitch.state.OpenFlow
             * @instance
             */
            OpenFlow.prototype.protocols = $util.emptyArray;

            /**
             * OpenFlow datapathId.
             * @member {string|null|undefined} datapathId
             * @memberof mswitch.state.OpenFlow
             * @instance
             */
            OpenFlow.prototype.datapathId = null;

            /**
             * OpenFlow inactivityProbeMs.
             * @member {number} inactivityProbeMs
             * @memberof mswitch.state.OpenFlow
             * @instance
             */
            OpenFlow.prototype.inactivityProbeMs = 0;

            /**
             * OpenFlow failWindowMs.
             * @member {number} failWindowMs
             * @memberof mswitch.state.OpenFlow
             * @instance
             */
            OpenFlow.prototype.failWindowMs = 0;

            /**
             * OpenFlow tls.
             * @member {mswitch.state.Tls.$Properties|null|undefined} tls
             * @memberof mswitch.state.OpenFlow
             * @instance
             */
            OpenFlow.prototype.tls = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(OpenFlow.prototype, "_datapathId", {
                get: $util.oneOfGetter($oneOfFields = ["datapathId"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(OpenFlow.prototype, "_tls", {
                get: $util.oneOfGetter($oneOfFields = ["tls"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new OpenFlow instance using the specified properties.
             * @function create
             * @memberof mswitch.state.OpenFlow
             * @static
             * @param {mswitch.state.OpenFlow.$Properties=} [properties] Properties to set
             * @returns {mswitch.state.OpenFlow} OpenFlow instance
             * @type {{
             *   (properties: mswitch.state.OpenFlow.$Shape): mswitch.state.OpenFlow & mswitch.state.OpenFlow.$Shape;
             *   (properties?: mswitch.state.OpenFlow.$Properties): mswitch.state.OpenFlow;
             * }}
             */
            OpenFlow.create = function(properties) {
                return new OpenFlow(properties);
            };

            /**
             * Encodes the specified OpenFlow message. Does not implicitly {@link mswitch.state.OpenFlow.verify|verify} messages.
             * @function encode
             * @memberof mswitch.state.OpenFlow
             * @static
             * @param {mswitch.state.OpenFlow.$Properties} message OpenFlow message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            OpenFlow.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.controllers != null && message.controllers.length)
                    for (let i = 0; i < message.controllers.length; ++i)
                        writer.uint32(/* id 1, wireType 2 =*/10).string(message.controllers[i]);
                if (message.listeners != null && message.listeners.length)
                    for (let i = 0; i < message.listeners.length; ++i)
                        writer.uint32(/* id 2, wireType 2 =*/18).string(message.listeners[i]);
                if (message.failMode != null && $Object.hasOwnProperty.call(message, "failMode") && message.failMode !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.failMode);
                if (message.protocols != null && message.protocols.length)
                    writer.uint32(/* id 4, wireType 2 =*/34).uint32s(message.protocols);
                if (message.datapathId != null && $Object.hasOwnProperty.call(message, "datapathId"))
                    writer.uint32(/* id 5, wireType 2 =*/42).string(message.datapathId);
                if (message.inactivityProbeMs != null && $Object.hasOwnProperty.call(message, "inactivityProbeMs") && message.inactivityProbeMs !== 0)
                    writer.uint32(/* id 6, wireType 0 =*/48).uint32(message.inactivityProbeMs);
                if (message.failWindowMs != null && $Object.hasOwnProperty.call(message, "failWindowMs") && message.failWindowMs !== 0)
                    writer.uint32(/* id 7, wireType 0 =*/56).uint32(message.failWindowMs);
                if (message.tls != null && $Object.hasOwnProperty.call(message, "tls"))
                    $root.mswitch.state.Tls.encode(message.tls, writer.uint32(/* id 8, wireType 2 =*/66).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified OpenFlow message, length delimited. Does not implicitly {@link mswitch.state.OpenFlow.verify|verify} messages.
             * @function encodeDelimited
             * @memberof mswitch.state.OpenFlow
             * @static
             * @param {mswitch.state.OpenFlow.$Properties} message OpenFlow message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            OpenFlow.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes an OpenFlow message from the specified reader or buffer.
             * @function decode
             * @memberof mswitch.state.OpenFlow
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {mswitch.state.OpenFlow & mswitch.state.OpenFlow.$Shape} OpenFlow
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            OpenFlow.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.mswitch.state.OpenFlow();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if (!(message.controllers && message.controllers.length))
                                message.controllers = [];
                            message.controllers.push(reader.stringVerify());
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if (!(message.listeners && message.listeners.length))
                                message.listeners = [];
                            message.listeners.push(reader.stringVerify());
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.failMode = value;
                            else
                                delete message.failMode;
                            continue;
                        }
                    case 4: {
                            if (wireType === 2) {
                                if (!(message.protocols && message.protocols.length))
                                    message.protocols = [];
                                reader.uint32s(message.protocols);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.protocols && message.protocols.length))
                                message.protocols = [];
                            message.protocols.push(reader.uint32());
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            message.datapathId = reader.stringVerify();
                            message._datapathId = "datapathId";
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.inactivityProbeMs = value;
                            else
                                delete message.inactivityProbeMs;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.failWindowMs = value;
                            else
                                delete message.failWindowMs;
                            continue;
                        }
                    case 8: {
                            if (wireType !== 2)
                                break;
                            message.tls = $root.mswitch.state.Tls.decode(reader, reader.size(), $undefined, _depth + 1, message.tls);
                            message._tls = "tls";
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes an OpenFlow message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof mswitch.state.OpenFlow
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {mswitch.state.OpenFlow & mswitch.state.OpenFlow.$Shape} OpenFlow
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            OpenFlow.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies an OpenFlow message.
             * @function verify
             * @memberof mswitch.state.OpenFlow
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            OpenFlow.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                let properties = {};
                if (message.controllers != null && $Object.hasOwnProperty.call(message, "controllers")) {
                    if (!$Array.isArray(message.controllers))
                        return "controllers: array expected";
                    for (let i = 0; i < message.controllers.length; ++i)
                        if (!$util.isString(message.controllers[i]))
                            return "controllers: string[] expected";
                }
                if (message.listeners != null && $Object.hasOwnProperty.call(message, "listeners")) {
                    if (!$Array.isArray(message.listeners))
                        return "listeners: array expected";
                    for (let i = 0; i < message.listeners.length; ++i)
                        if (!$util.isString(message.listeners[i]))
                            return "listeners: string[] expected";
                }
                if (message.failMode != null && $Object.hasOwnProperty.call(message, "failMode"))
                    if (!$util.isString(message.failMode))
                        return "failMode: string expected";
                if (message.protocols != null && $Object.hasOwnProperty.call(message, "protocols")) {
                    if (!$Array.isArray(message.protocols))
                        return "protocols: array expected";
                    for (let i = 0; i < message.protocols.length; ++i)
                        if (!$util.isInteger(message.protocols[i]))
                            return "protocols: integer[] expected";
                }
                if (message.datapathId != null && $Object.hasOwnProperty.call(message, "datapathId")) {
                    properties._datapathId = 1;
                    if (!$util.isString(message.datapathId))
                        return "datapathId: string expected";
                }
                if (message.inactivityProbeMs != null && $Object.hasOwnProperty.call(message, "inactivityProbeMs"))
                    if (!$util.isInteger(message.inactivityProbeMs))
                        return "inactivityProbeMs: integer expected";
                if (message.failWindowMs != null && $Object.hasOwnProperty.call(message, "failWindowMs"))
                    if (!$util.isInteger(message.failWindowMs))
                        return "failWindowMs: integer expected";
                if (message.tls != null && $Object.hasOwnProperty.call(message, "tls")) {
                    properties._tls = 1;
                    {
                        let error = $root.mswitch.state.Tls.verify(message.tls, _depth + 1);
                        if (error)
                            return "tls." + error;
                    }
                }
                return null;
            };

            /**
             * Creates an OpenFlow message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof mswitch.state.OpenFlow
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {mswitch.state.OpenFlow} OpenFlow
             */
            OpenFlow.fromObject = function (object, _depth) {
                if (object instanceof $root.mswitch.state.OpenFlow)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".mswitch.state.OpenFlow: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.mswitch.state.OpenFlow();
                if (object.controllers) {
                    if (!$Array.isArray(object.controllers))
                        throw $TypeError(".mswitch.state.OpenFlow.controllers: array expected");
                    message.controllers = $Array(object.controllers.length);
                    for (let i = 0; i < object.controllers.length; ++i)
                        message.controllers[i] = $String(object.controllers[i]);
                }
                if (object.listeners) {
                    if (!$Array.isArray(object.listeners))
                        throw $TypeError(".mswitch.state.OpenFlow.listeners: array expected");
                    message.listeners = $Array(object.listeners.length);
                    for (let i = 0; i < object.listeners.length; ++i)
                        message.listeners[i] = $String(object.listeners[i]);
                }
                if (object.failMode != null)
                    if (typeof object.failMode !== "string" || object.failMode.length)
                        message.failMode = $String(object.failMode);
                if (object.protocols) {
                    if (!$Array.isArray(object.protocols))
                        throw $TypeError(".mswitch.state.OpenFlow.protocols: array expected");
                    message.protocols = $Array(object.protocols.length);
                    for (let i = 0; i < object.protocols.length; ++i)
                        message.protocols[i] = object.protocols[i] >>> 0;
                }
                if (object.datapathId != null)
                    message.datapathId = $String(object.datapathId);
                if (object.inactivityProbeMs != null)
                    if ($Number(object.inactivityProbeMs) !== 0)
                        message.inactivityProbeMs = object.inactivityProbeMs >>> 0;
                if (object.failWindowMs != null)
                    if ($Number(object.failWindowMs) !== 0)
                        message.failWindowMs = object.failWindowMs >>> 0;
                if (object.tls != null) {
                    if (!$util.isObject(object.tls))
                        throw $TypeError(".mswitch.state.OpenFlow.tls: object expected");
                    message.tls = $root.mswitch.state.Tls.fromObject(object.tls, _depth + 1);
                }
                return message;
            };

            /**
             * Creates a plain object from an OpenFlow message. Also converts values to other types if specified.
             * @function toObject
             * @memberof mswitch.state.OpenFlow
             * @static
             * @param {mswitch.state.OpenFlow} message OpenFlow
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            OpenFlow.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.arrays || options.defaults) {
                    object.controllers = [];
                    object.listeners = [];
                    object.protocols = [];
                }
                if (options.defaults) {
                    object.failMode = "";
                    object.inactivityProbeMs = 0;
                    object.failWindowMs = 0;
                }
                if (message.controllers && message.controllers.length) {
                    object.controllers = $Array(message.controllers.length);
                    for (let j = 0; j < message.controllers.length; ++j)
                        object.controllers[j] = message.controllers[j];
                }
                if (message.listeners && message.listeners.length) {
                    object.listeners = $Array(message.listeners.length);
                    for (let j = 0; j < message.listeners.length; ++j)
                        object.listeners[j] = message.listeners[j];
                }
                if (message.failMode != null && $Object.hasOwnProperty.call(message, "failMode"))
                    object.failMode = message.failMode;
                if (message.protocols && message.protocols.length) {
                    object.protocols = $Array(message.protocols.length);
                    for (let j = 0; j < message.protocols.length; ++j)
                        object.protocols[j] = message.protocols[j];
                }
                if (message.datapathId != null && $Object.hasOwnProperty.call(message, "datapathId"))
                    object.datapathId = message.datapathId;
                if (message.inactivityProbeMs != null && $Object.hasOwnProperty.call(message, "inactivityProbeMs"))
                    object.inactivityProbeMs = message.inactivityProbeMs;
                if (message.failWindowMs != null && $Object.hasOwnProperty.call(message, "failWindowMs"))
                    object.failWindowMs = message.failWindowMs;
                if (message.tls != null && $Object.hasOwnProperty.call(message, "tls"))
                    object.tls = $root.mswitch.state.Tls.toObject(message.tls, options, _depth + 1);
                return object;
            };

            /**
             * Converts this OpenFlow to JSON.
             * @function toJSON
             * @memberof mswitch.state.OpenFlow
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            OpenFlow.prototype.toJSON = function() {
                return OpenFlow.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for OpenFlow
             * @function getTypeUrl
             * @memberof mswitch.state.OpenFlow
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            OpenFlow.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mswitch.state.OpenFlow";
            };

            return OpenFlow;
        })();

        state.Tls = (function() {

            /**
             * Properties of a Tls.
             * @typedef {Object} mswitch.state.Tls.$Properties
             * @property {string|null} [key] Tls key
             * @property {string|null} [cert] Tls cert
             * @property {string|null} [ca] Tls ca
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Tls.
             * @memberof mswitch.state
             * @interface ITls
             * @augments mswitch.state.Tls.$Properties
             * @deprecated Use mswitch.state.Tls.$Properties instead.
             */

            /**
             * Shape of a Tls.
             * @typedef {mswitch.state.Tls.$Properties} mswitch.state.Tls.$Shape
             */

            /**
             * Constructs a new Tls.
             * @memberof mswitch.state
             * @classdesc Represents a Tls.
             * @constructor
             * @param {mswitch.state.Tls.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Tls = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Tls key.
             * @member {string} key
             * @memberof mswitch.state.Tls
             * @instance
             */
            Tls.prototype.key = "";

            /**
             * Tls cert.
             * @member {string} cert
             * @memberof mswitch.state.Tls
             * @instance
             */
            Tls.prototype.cert = "";

            /**
             * Tls ca.
             * @member {string} ca
             * @memberof mswitch.state.Tls
             * @instance
             */
            Tls.prototype.ca = "";

            /**
             * Creates a new Tls instance using the specified properties.
             * @function create
             * @memberof mswitch.state.Tls
             * @static
             * @param {mswitch.state.Tls.$Properties=} [properties] Properties to set
             * @returns {mswitch.state.Tls} Tls instance
             * @type {{
             *   (properties: mswitch.state.Tls.$Shape): mswitch.state.Tls & mswitch.state.Tls.$Shape;
             *   (properties?: mswitch.state.Tls.$Properties): mswitch.state.Tls;
             * }}
             */
            Tls.create = function(properties) {
                return new Tls(properties);
            };

            /**
             * Encodes the specified Tls message. Does not implicitly {@link mswitch.state.Tls.verify|verify} messages.
             * @function encode
             * @memberof mswitch.state.Tls
             * @static
             * @param {mswitch.state.Tls.$Properties} message Tls message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Tls.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.key != null && $Object.hasOwnProperty.call(message, "key") && message.key !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.key);
                if (message.cert != null && $Object.hasOwnProperty.call(message, "cert") && message.cert !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.cert);
                if (message.ca != null && $Object.hasOwnProperty.call(message, "ca") && message.ca !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.ca);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Tls message, length delimited. Does not implicitly {@link mswitch.state.Tls.verify|verify} messages.
             * @function encodeDelimited
             * @memberof mswitch.state.Tls
             * @static
             * @param {mswitch.state.Tls.$Properties} message Tls message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Tls.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Tls message from the specified reader or buffer.
             * @function decode
             * @memberof mswitch.state.Tls
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {mswitch.state.Tls & mswitch.state.Tls.$Shape} Tls
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Tls.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.mswitch.state.Tls();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.key = value;
                            else
                                delete message.key;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.cert = value;
                            else
                                delete message.cert;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.ca = value;
                            else
                                delete message.ca;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a Tls message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof mswitch.state.Tls
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {mswitch.state.Tls & mswitch.state.Tls.$Shape} Tls
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Tls.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Tls message.
             * @function verify
             * @memberof mswitch.state.Tls
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Tls.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.key != null && $Object.hasOwnProperty.call(message, "key"))
                    if (!$util.isString(message.key))
                        return "key: string expected";
                if (message.cert != null && $Object.hasOwnProperty.call(message, "cert"))
                    if (!$util.isString(message.cert))
                        return "cert: string expected";
                if (message.ca != null && $Object.hasOwnProperty.call(message, "ca"))
                    if (!$util.isString(message.ca))
                        return "ca: string expected";
                return null;
            };

            /**
             * Creates a Tls message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof mswitch.state.Tls
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {mswitch.state.Tls} Tls
             */
            Tls.fromObject = function (object, _depth) {
                if (object instanceof $root.mswitch.state.Tls)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".mswitch.state.Tls: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.mswitch.state.Tls();
                if (object.key != null)
                    if (typeof object.key !== "string" || object.key.length)
                        message.key = $String(object.key);
                if (object.cert != null)
                    if (typeof object.cert !== "string" || object.cert.length)
                        message.cert = $String(object.cert);
                if (object.ca != null)
                    if (typeof object.ca !== "string" || object.ca.length)
                        message.ca = $String(object.ca);
                return message;
            };

            /**
             * Creates a plain object from a Tls message. Also converts values to other types if specified.
             * @function toObject
             * @memberof mswitch.state.Tls
             * @static
             * @param {mswitch.state.Tls} message Tls
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Tls.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.key = "";
                    object.cert = "";
                    object.ca = "";
                }
                if (message.key != null && $Object.hasOwnProperty.call(message, "key"))
                    object.key = message.key;
                if (message.cert != null && $Object.hasOwnProperty.call(message, "cert"))
                    object.cert = message.cert;
                if (message.ca != null && $Object.hasOwnProperty.call(message, "ca"))
                    object.ca = message.ca;
                return object;
            };

            /**
             * Converts this Tls to JSON.
             * @function toJSON
             * @memberof mswitch.state.Tls
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Tls.prototype.toJSON = function() {
                return Tls.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Tls
             * @function getTypeUrl
             * @memberof mswitch.state.Tls
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Tls.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mswitch.state.Tls";
            };

            return Tls;
        })();

        state.Flows = (function() {

            /**
             * Properties of a Flows.
             * @typedef {Object} mswitch.state.Flows.$Properties
             * @property {Array.<string>|null} [meters] Flows meters
             * @property {Array.<string>|null} [groups] Flows groups
             * @property {Array.<string>|null} [flows] Flows flows
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Flows.
             * @memberof mswitch.state
             * @interface IFlows
             * @augments mswitch.state.Flows.$Properties
             * @deprecated Use mswitch.state.Flows.$Properties instead.
             */

            /**
             * Shape of a Flows.
             * @typedef {mswitch.state.Flows.$Properties} mswitch.state.Flows.$Shape
             */

            /**
             * Constructs a new Flows.
             * @memberof mswitch.state
             * @classdesc Represents a Flows.
             * @constructor
             * @param {mswitch.state.Flows.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Flows = function (properties) {
                this.meters = [];
                this.groups = [];
                this.flows = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Flows meters.
             * @member {Array.<string>} meters
             * @memberof mswitch.state.Flows
             * @instance
             */
            Flows.prototype.meters = $util.emptyArray;

            /**
             * Flows groups.
             * @member {Array.<string>} groups
             * @memberof mswitch.state.Flows
             * @instance
             */
            Flows.prototype.groups = $util.emptyArray;

            /**
             * Flows flows.
             * @member {Array.<string>} flows
             * @memberof mswitch.state.Flows
             * @instance
             */
            Flows.prototype.flows = $util.emptyArray;

            /**
             * Creates a new Flows instance using the specified properties.
             * @function create
             * @memberof mswitch.state.Flows
             * @static
             * @param {mswitch.state.Flows.$Properties=} [properties] Properties to set
             * @returns {mswitch.state.Flows} Flows instance
             * @type {{
             *   (properties: mswitch.state.Flows.$Shape): mswitch.state.Flows & mswitch.state.Flows.$Shape;
             *   (properties?: mswitch.state.Flows.$Properties): mswitch.state.Flows;
             * }}
             */
            Flows.create = function(properties) {
                return new Flows(properties);
            };

            /**
             * Encodes the specified Flows message. Does not implicitly {@link mswitch.state.Flows.verify|verify} messages.
             * @function encode
             * @memberof mswitch.state.Flows
             * @static
             * @param {mswitch.state.Flows.$Properties} message Flows message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Flows.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.meters != null && message.meters.length)
                    for (let i = 0; i < message.meters.length; ++i)
                        writer.uint32(/* id 1, wireType 2 =*/10).string(message.meters[i]);
                if (message.groups != null && message.groups.length)
                    for (let i = 0; i < message.groups.length; ++i)
                        writer.uint32(/* id 2, wireType 2 =*/18).string(message.groups[i]);
                if (message.flows != null && message.flows.length)
                    for (let i = 0; i < message.flows.length; ++i)
                        writer.uint32(/* id 3, wireType 2 =*/26).string(message.flows[i]);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Encodes the specified Flows message, length delimited. Does not implicitly {@link mswitch.state.Flows.verify|verify} messages.
             * @function encodeDelimited
             * @memberof mswitch.state.Flows
             * @static
             * @param {mswitch.state.Flows.$Properties} message Flows message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Flows.encodeDelimited = function(message, writer) {
                return this.encode(message, (writer || $Writer.create()).fork()).ldelim();
            };

            /**
             * Decodes a Flows message from the specified reader or buffer.
             * @function decode
             * @memberof mswitch.state.Flows
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {mswitch.state.Flows & mswitch.state.Flows.$Shape} Flows
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Flows.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.mswitch.state.Flows();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if (!(message.meters && message.meters.length))
                                message.meters = [];
                            message.meters.push(reader.stringVerify());
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if (!(message.groups && message.groups.length))
                                message.groups = [];
                            message.groups.push(reader.stringVerify());
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if (!(message.flows && message.flows.length))
                                message.flows = [];
                            message.flows.push(reader.stringVerify());
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Decodes a Flows message from the specified reader or buffer, length delimited.
             * @function decodeDelimited
             * @memberof mswitch.state.Flows
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @returns {mswitch.state.Flows & mswitch.state.Flows.$Shape} Flows
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Flows.decodeDelimited = function(reader) {
                if (!(reader instanceof $Reader))
                    reader = new $Reader(reader);
                return this.decode(reader, reader.size());
            };

            /**
             * Verifies a Flows message.
             * @function verify
             * @memberof mswitch.state.Flows
             * @static
             * @param {Object.<string,*>} message Plain object to verify
             * @returns {string|null} `null` if valid, otherwise the reason why it is not
             */
            Flows.verify = function (message, _depth) {
                if (typeof message !== "object" || message === null)
                    return "object expected";
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    return "max depth exceeded";
                if (message.meters != null && $Object.hasOwnProperty.call(message, "meters")) {
                    if (!$Array.isArray(message.meters))
                        return "meters: array expected";
                    for (let i = 0; i < message.meters.length; ++i)
                        if (!$util.isString(message.meters[i]))
                            return "meters: string[] expected";
                }
                if (message.groups != null && $Object.hasOwnProperty.call(message, "groups")) {
                    if (!$Array.isArray(message.groups))
                        return "groups: array expected";
                    for (let i = 0; i < message.groups.length; ++i)
                        if (!$util.isString(message.groups[i]))
                            return "groups: string[] expected";
                }
                if (message.flows != null && $Object.hasOwnProperty.call(message, "flows")) {
                    if (!$Array.isArray(message.flows))
                        return "flows: array expected";
                    for (let i = 0; i < message.flows.length; ++i)
                        if (!$util.isString(message.flows[i]))
                            return "flows: string[] expected";
                }
                return null;
            };

            /**
             * Creates a Flows message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof mswitch.state.Flows
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {mswitch.state.Flows} Flows
             */
            Flows.fromObject = function (object, _depth) {
                if (object instanceof $root.mswitch.state.Flows)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".mswitch.state.Flows: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.mswitch.state.Flows();
                if (object.meters) {
                    if (!$Array.isArray(object.meters))
                        throw $TypeError(".mswitch.state.Flows.meters: array expected");
                    message.meters = $Array(object.meters.length);
                    for (let i = 0; i < object.meters.length; ++i)
                        message.meters[i] = $String(object.meters[i]);
                }
                if (object.groups) {
                    if (!$Array.isArray(object.groups))
                        throw $TypeError(".mswitch.state.Flows.groups: array expected");
                    message.groups = $Array(object.groups.length);
                    for (let i = 0; i < object.groups.length; ++i)
                        message.groups[i] = $String(object.groups[i]);
                }
                if (object.flows) {
                    if (!$Array.isArray(object.flows))
                        throw $TypeError(".mswitch.state.Flows.flows: array expected");
                    message.flows = $Array(object.flows.length);
                    for (let i = 0; i < object.flows.length; ++i)
                        message.flows[i] = $String(object.flows[i]);
                }
                return message;
            };

            /**
             * Creates a plain object from a Flows message. Also converts values to other types if specified.
             * @function toObject
             * @memberof mswitch.state.Flows
             * @static
             * @param {mswitch.state.Flows} message Flows
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Flows.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.arrays || options.defaults) {
                    object.meters = [];
                    object.groups = [];
                    object.flows = [];
                }
                if (message.meters && message.meters.length) {
                    object.meters = $Array(message.meters.length);
                    for (let j = 0; j < message.meters.length; ++j)
                        object.meters[j] = message.meters[j];
                }
                if (message.groups && message.groups.length) {
                    object.groups = $Array(message.groups.length);
                    for (let j = 0; j < message.groups.length; ++j)
                        object.groups[j] = message.groups[j];
                }
                if (message.flows && message.flows.length) {
                    object.flows = $Array(message.flows.length);
                    for (let j = 0; j < message.flows.length; ++j)
                        object.flows[j] = message.flows[j];
                }
                return object;
            };

            /**
             * Converts this Flows to JSON.
             * @function toJSON
             * @memberof mswitch.state.Flows
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Flows.prototype.toJSON = function() {
                return Flows.toObject(this, $protobuf.util.toJSONOptions);
            };

            /**
             * Gets the type url for Flows
             * @function getTypeUrl
             * @memberof mswitch.state.Flows
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Flows.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/mswitch.state.Flows";
            };

            return Flows;
        })();

        return state;
    })();

    return mswitch;
})();

module.exports = $root;

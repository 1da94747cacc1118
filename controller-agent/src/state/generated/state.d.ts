import * as $protobuf from "protobufjs/minimal";
import Long = require("long");

/** Namespace mswitch. */
export namespace mswitch {

    /** Namespace state. */
    namespace state {

        /**
         * Properties of a State.
         * @deprecated Use mswitch.state.State.$Properties instead.
         */
        interface IState extends mswitch.state.State.$Properties {
        }

        /** Represents a State. */
        class State {

            /**
             * Constructs a new State.
             * @param [properties] Properties to set
             */
            constructor(properties?: mswitch.state.State.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** State version. */
            version: number;

            /** State savedAtMs. */
            savedAtMs: number;

            /** State switches. */
            switches: mswitch.state.Switch.$Properties[];

            /**
             * Creates a new State instance using the specified properties.
             * @param [properties] Properties to set
             * @returns State instance
             */
            static create(properties: mswitch.state.State.$Shape): mswitch.state.State & mswitch.state.State.$Shape;
            static create(properties?: mswitch.state.State.$Properties): mswitch.state.State;

            /**
             * Encodes the specified State message. Does not implicitly {@link mswitch.state.State.verify|verify} messages.
             * @param message State message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: mswitch.state.State.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified State message, length delimited. Does not implicitly {@link mswitch.state.State.verify|verify} messages.
             * @param message State message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: mswitch.state.State.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a State message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {mswitch.state.State & mswitch.state.State.$Shape} State
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): mswitch.state.State & mswitch.state.State.$Shape;

            /**
             * Decodes a State message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {mswitch.state.State & mswitch.state.State.$Shape} State
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): mswitch.state.State & mswitch.state.State.$Shape;

            /**
             * Verifies a State message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a State message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns State
             */
            static fromObject(object: { [k: string]: any }): mswitch.state.State;

            /**
             * Creates a plain object from a State message. Also converts values to other types if specified.
             * @param message State
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: mswitch.state.State, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this State to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for State
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace State {

            /** Properties of a State. */
            interface $Properties {

                /** State version */
                version?: (number|null);

                /** State savedAtMs */
                savedAtMs?: (number|null);

                /** State switches */
                switches?: (mswitch.state.Switch.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a State. */
            type $Shape = mswitch.state.State.$Properties;
        }

        /**
         * Properties of a Switch.
         * @deprecated Use mswitch.state.Switch.$Properties instead.
         */
        interface ISwitch extends mswitch.state.Switch.$Properties {
        }

        /** Represents a Switch. */
        class Switch {

            /**
             * Constructs a new Switch.
             * @param [properties] Properties to set
             */
            constructor(properties?: mswitch.state.Switch.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Switch name. */
            name: string;

            /** Switch logic. */
            logic: string;

            /** Switch logicConfig. */
            logicConfig?: (string|null);

            /** Switch workers. */
            workers: number;

            /** Switch batchSize. */
            batchSize: number;

            /** Switch mode. */
            mode: string;

            /** Switch idlePolls. */
            idlePolls?: (number|null);

            /** Switch idleSpinUs. */
            idleSpinUs?: (number|null);

            /** Switch memif. */
            memif?: (mswitch.state.Memif.$Properties|null);

            /** Switch ports. */
            ports: mswitch.state.LinuxPort.$Properties[];

            /** Switch openflow. */
            openflow?: (mswitch.state.OpenFlow.$Properties|null);

            /** Switch flowRestore. */
            flowRestore: boolean;

            /** Switch flows. */
            flows?: (mswitch.state.Flows.$Properties|null);

            /**
             * Creates a new Switch instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Switch instance
             */
            static create(properties: mswitch.state.Switch.$Shape): mswitch.state.Switch & mswitch.state.Switch.$Shape;
            static create(properties?: mswitch.state.Switch.$Properties): mswitch.state.Switch;

            /**
             * Encodes the specified Switch message. Does not implicitly {@link mswitch.state.Switch.verify|verify} messages.
             * @param message Switch message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: mswitch.state.Switch.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Switch message, length delimited. Does not implicitly {@link mswitch.state.Switch.verify|verify} messages.
             * @param message Switch message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: mswitch.state.Switch.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Switch message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {mswitch.state.Switch & mswitch.state.Switch.$Shape} Switch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): mswitch.state.Switch & mswitch.state.Switch.$Shape;

            /**
             * Decodes a Switch message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {mswitch.state.Switch & mswitch.state.Switch.$Shape} Switch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): mswitch.state.Switch & mswitch.state.Switch.$Shape;

            /**
             * Verifies a Switch message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Switch message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Switch
             */
            static fromObject(object: { [k: string]: any }): mswitch.state.Switch;

            /**
             * Creates a plain object from a Switch message. Also converts values to other types if specified.
             * @param message Switch
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: mswitch.state.Switch, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Switch to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Switch
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Switch {

            /** Properties of a Switch. */
            interface $Properties {

                /** Switch name */
                name?: (string|null);

                /** Switch logic */
                logic?: (string|null);

                /** Switch logicConfig */
                logicConfig?: (string|null);

                /** Switch workers */
                workers?: (number|null);

                /** Switch batchSize */
                batchSize?: (number|null);

                /** Switch mode */
                mode?: (string|null);

                /** Switch idlePolls */
                idlePolls?: (number|null);

                /** Switch idleSpinUs */
                idleSpinUs?: (number|null);

                /** Switch memif */
                memif?: (mswitch.state.Memif.$Properties|null);

                /** Switch ports */
                ports?: (mswitch.state.LinuxPort.$Properties[]|null);

                /** Switch openflow */
                openflow?: (mswitch.state.OpenFlow.$Properties|null);

                /** Switch flowRestore */
                flowRestore?: (boolean|null);

                /** Switch flows */
                flows?: (mswitch.state.Flows.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Switch. */
            type $Shape = mswitch.state.Switch.$Properties;
        }

        /**
         * Properties of a Memif.
         * @deprecated Use mswitch.state.Memif.$Properties instead.
         */
        interface IMemif extends mswitch.state.Memif.$Properties {
        }

        /** Represents a Memif. */
        class Memif {

            /**
             * Constructs a new Memif.
             * @param [properties] Properties to set
             */
            constructor(properties?: mswitch.state.Memif.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Memif socket. */
            socket: string;

            /** Memif abstract. */
            abstract: boolean;

            /** Memif autoCreate. */
            autoCreate: boolean;

            /** Memif secret. */
            secret?: (string|null);

            /** Memif interfaces. */
            interfaces: mswitch.state.MemifInterface.$Properties[];

            /**
             * Creates a new Memif instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Memif instance
             */
            static create(properties: mswitch.state.Memif.$Shape): mswitch.state.Memif & mswitch.state.Memif.$Shape;
            static create(properties?: mswitch.state.Memif.$Properties): mswitch.state.Memif;

            /**
             * Encodes the specified Memif message. Does not implicitly {@link mswitch.state.Memif.verify|verify} messages.
             * @param message Memif message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: mswitch.state.Memif.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Memif message, length delimited. Does not implicitly {@link mswitch.state.Memif.verify|verify} messages.
             * @param message Memif message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: mswitch.state.Memif.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Memif message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {mswitch.state.Memif & mswitch.state.Memif.$Shape} Memif
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): mswitch.state.Memif & mswitch.state.Memif.$Shape;

            /**
             * Decodes a Memif message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {mswitch.state.Memif & mswitch.state.Memif.$Shape} Memif
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): mswitch.state.Memif & mswitch.state.Memif.$Shape;

            /**
             * Verifies a Memif message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Memif message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Memif
             */
            static fromObject(object: { [k: string]: any }): mswitch.state.Memif;

            /**
             * Creates a plain object from a Memif message. Also converts values to other types if specified.
             * @param message Memif
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: mswitch.state.Memif, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Memif to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Memif
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Memif {

            /** Properties of a Memif. */
            interface $Properties {

                /** Memif socket */
                socket?: (string|null);

                /** Memif abstract */
                abstract?: (boolean|null);

                /** Memif autoCreate */
                autoCreate?: (boolean|null);

                /** Memif secret */
                secret?: (string|null);

                /** Memif interfaces */
                interfaces?: (mswitch.state.MemifInterface.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Memif. */
            type $Shape = mswitch.state.Memif.$Properties;
        }

        /**
         * Properties of a MemifInterface.
         * @deprecated Use mswitch.state.MemifInterface.$Properties instead.
         */
        interface IMemifInterface extends mswitch.state.MemifInterface.$Properties {
        }

        /** Represents a MemifInterface. */
        class MemifInterface {

            /**
             * Constructs a new MemifInterface.
             * @param [properties] Properties to set
             */
            constructor(properties?: mswitch.state.MemifInterface.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** MemifInterface id. */
            id: number;

            /** MemifInterface name. */
            name?: (string|null);

            /** MemifInterface port. */
            port?: (number|null);

            /** MemifInterface secret. */
            secret?: (string|null);

            /** MemifInterface worker. */
            worker?: (number|null);

            /**
             * Creates a new MemifInterface instance using the specified properties.
             * @param [properties] Properties to set
             * @returns MemifInterface instance
             */
            static create(properties: mswitch.state.MemifInterface.$Shape): mswitch.state.MemifInterface & mswitch.state.MemifInterface.$Shape;
            static create(properties?: mswitch.state.MemifInterface.$Properties): mswitch.state.MemifInterface;

            /**
             * Encodes the specified MemifInterface message. Does not implicitly {@link mswitch.state.MemifInterface.verify|verify} messages.
             * @param message MemifInterface message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: mswitch.state.MemifInterface.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified MemifInterface message, length delimited. Does not implicitly {@link mswitch.state.MemifInterface.verify|verify} messages.
             * @param message MemifInterface message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: mswitch.state.MemifInterface.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a MemifInterface message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {mswitch.state.MemifInterface & mswitch.state.MemifInterface.$Shape} MemifInterface
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): mswitch.state.MemifInterface & mswitch.state.MemifInterface.$Shape;

            /**
             * Decodes a MemifInterface message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {mswitch.state.MemifInterface & mswitch.state.MemifInterface.$Shape} MemifInterface
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): mswitch.state.MemifInterface & mswitch.state.MemifInterface.$Shape;

            /**
             * Verifies a MemifInterface message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a MemifInterface message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns MemifInterface
             */
            static fromObject(object: { [k: string]: any }): mswitch.state.MemifInterface;

            /**
             * Creates a plain object from a MemifInterface message. Also converts values to other types if specified.
             * @param message MemifInterface
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: mswitch.state.MemifInterface, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this MemifInterface to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for MemifInterface
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace MemifInterface {

            /** Properties of a MemifInterface. */
            interface $Properties {

                /** MemifInterface id */
                id?: (number|null);

                /** MemifInterface name */
                name?: (string|null);

                /** MemifInterface port */
                port?: (number|null);

                /** MemifInterface secret */
                secret?: (string|null);

                /** MemifInterface worker */
                worker?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a MemifInterface. */
            type $Shape = mswitch.state.MemifInterface.$Properties;
        }

        /**
         * Properties of a LinuxPort.
         * @deprecated Use mswitch.state.LinuxPort.$Properties instead.
         */
        interface ILinuxPort extends mswitch.state.LinuxPort.$Properties {
        }

        /** Represents a LinuxPort. */
        class LinuxPort {

            /**
             * Constructs a new LinuxPort.
             * @param [properties] Properties to set
             */
            constructor(properties?: mswitch.state.LinuxPort.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** LinuxPort ifname. */
            ifname?: (string|null);

            /** LinuxPort type. */
            type?: (string|null);

            /** LinuxPort name. */
            name?: (string|null);

            /** LinuxPort port. */
            port?: (number|null);

            /** LinuxPort worker. */
            worker?: (number|null);

            /** LinuxPort mac. */
            mac?: (string|null);

            /** LinuxPort mtu. */
            mtu?: (number|null);

            /** LinuxPort up. */
            up?: (boolean|null);

            /**
             * Creates a new LinuxPort instance using the specified properties.
             * @param [properties] Properties to set
             * @returns LinuxPort instance
             */
            static create(properties: mswitch.state.LinuxPort.$Shape): mswitch.state.LinuxPort & mswitch.state.LinuxPort.$Shape;
            static create(properties?: mswitch.state.LinuxPort.$Properties): mswitch.state.LinuxPort;

            /**
             * Encodes the specified LinuxPort message. Does not implicitly {@link mswitch.state.LinuxPort.verify|verify} messages.
             * @param message LinuxPort message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: mswitch.state.LinuxPort.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified LinuxPort message, length delimited. Does not implicitly {@link mswitch.state.LinuxPort.verify|verify} messages.
             * @param message LinuxPort message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: mswitch.state.LinuxPort.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a LinuxPort message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {mswitch.state.LinuxPort & mswitch.state.LinuxPort.$Shape} LinuxPort
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): mswitch.state.LinuxPort & mswitch.state.LinuxPort.$Shape;

            /**
             * Decodes a LinuxPort message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {mswitch.state.LinuxPort & mswitch.state.LinuxPort.$Shape} LinuxPort
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): mswitch.state.LinuxPort & mswitch.state.LinuxPort.$Shape;

            /**
             * Verifies a LinuxPort message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a LinuxPort message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns LinuxPort
             */
            static fromObject(object: { [k: string]: any }): mswitch.state.LinuxPort;

            /**
             * Creates a plain object from a LinuxPort message. Also converts values to other types if specified.
             * @param message LinuxPort
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: mswitch.state.LinuxPort, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this LinuxPort to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for LinuxPort
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace LinuxPort {

            /** Properties of a LinuxPort. */
            interface $Properties {

                /** LinuxPort ifname */
                ifname?: (string|null);

                /** LinuxPort type */
                type?: (string|null);

                /** LinuxPort name */
                name?: (string|null);

                /** LinuxPort port */
                port?: (number|null);

                /** LinuxPort worker */
                worker?: (number|null);

                /** LinuxPort mac */
                mac?: (string|null);

                /** LinuxPort mtu */
                mtu?: (number|null);

                /** LinuxPort up */
                up?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a LinuxPort. */
            type $Shape = mswitch.state.LinuxPort.$Properties;
        }

        /**
         * Properties of an OpenFlow.
         * @deprecated Use mswitch.state.OpenFlow.$Properties instead.
         */
        interface IOpenFlow extends mswitch.state.OpenFlow.$Properties {
        }

        /** Represents an OpenFlow. */
        class OpenFlow {

            /**
             * Constructs a new OpenFlow.
             * @param [properties] Properties to set
             */
            constructor(properties?: mswitch.state.OpenFlow.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** OpenFlow controllers. */
            controllers: string[];

            /** OpenFlow listeners. */
            listeners: string[];

            /** OpenFlow failMode. */
            failMode: string;

            /** OpenFlow protocols. */
            protocols: number[];

            /** OpenFlow datapathId. */
            datapathId?: (string|null);

            /** OpenFlow inactivityProbeMs. */
            inactivityProbeMs: number;

            /** OpenFlow failWindowMs. */
            failWindowMs: number;

            /** OpenFlow tls. */
            tls?: (mswitch.state.Tls.$Properties|null);

            /**
             * Creates a new OpenFlow instance using the specified properties.
             * @param [properties] Properties to set
             * @returns OpenFlow instance
             */
            static create(properties: mswitch.state.OpenFlow.$Shape): mswitch.state.OpenFlow & mswitch.state.OpenFlow.$Shape;
            static create(properties?: mswitch.state.OpenFlow.$Properties): mswitch.state.OpenFlow;

            /**
             * Encodes the specified OpenFlow message. Does not implicitly {@link mswitch.state.OpenFlow.verify|verify} messages.
             * @param message OpenFlow message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: mswitch.state.OpenFlow.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified OpenFlow message, length delimited. Does not implicitly {@link mswitch.state.OpenFlow.verify|verify} messages.
             * @param message OpenFlow message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: mswitch.state.OpenFlow.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an OpenFlow message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {mswitch.state.OpenFlow & mswitch.state.OpenFlow.$Shape} OpenFlow
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): mswitch.state.OpenFlow & mswitch.state.OpenFlow.$Shape;

            /**
             * Decodes an OpenFlow message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {mswitch.state.OpenFlow & mswitch.state.OpenFlow.$Shape} OpenFlow
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): mswitch.state.OpenFlow & mswitch.state.OpenFlow.$Shape;

            /**
             * Verifies an OpenFlow message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates an OpenFlow message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns OpenFlow
             */
            static fromObject(object: { [k: string]: any }): mswitch.state.OpenFlow;

            /**
             * Creates a plain object from an OpenFlow message. Also converts values to other types if specified.
             * @param message OpenFlow
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: mswitch.state.OpenFlow, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this OpenFlow to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for OpenFlow
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace OpenFlow {

            /** Properties of an OpenFlow. */
            interface $Properties {

                /** OpenFlow controllers */
                controllers?: (string[]|null);

                /** OpenFlow listeners */
                listeners?: (string[]|null);

                /** OpenFlow failMode */
                failMode?: (string|null);

                /** OpenFlow protocols */
                protocols?: (number[]|null);

                /** OpenFlow datapathId */
                datapathId?: (string|null);

                /** OpenFlow inactivityProbeMs */
                inactivityProbeMs?: (number|null);

                /** OpenFlow failWindowMs */
                failWindowMs?: (number|null);

                /** OpenFlow tls */
                tls?: (mswitch.state.Tls.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an OpenFlow. */
            type $Shape = mswitch.state.OpenFlow.$Properties;
        }

        /**
         * Properties of a Tls.
         * @deprecated Use mswitch.state.Tls.$Properties instead.
         */
        interface ITls extends mswitch.state.Tls.$Properties {
        }

        /** Represents a Tls. */
        class Tls {

            /**
             * Constructs a new Tls.
             * @param [properties] Properties to set
             */
            constructor(properties?: mswitch.state.Tls.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Tls key. */
            key: string;

            /** Tls cert. */
            cert: string;

            /** Tls ca. */
            ca: string;

            /**
             * Creates a new Tls instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Tls instance
             */
            static create(properties: mswitch.state.Tls.$Shape): mswitch.state.Tls & mswitch.state.Tls.$Shape;
            static create(properties?: mswitch.state.Tls.$Properties): mswitch.state.Tls;

            /**
             * Encodes the specified Tls message. Does not implicitly {@link mswitch.state.Tls.verify|verify} messages.
             * @param message Tls message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: mswitch.state.Tls.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Tls message, length delimited. Does not implicitly {@link mswitch.state.Tls.verify|verify} messages.
             * @param message Tls message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: mswitch.state.Tls.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Tls message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {mswitch.state.Tls & mswitch.state.Tls.$Shape} Tls
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): mswitch.state.Tls & mswitch.state.Tls.$Shape;

            /**
             * Decodes a Tls message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {mswitch.state.Tls & mswitch.state.Tls.$Shape} Tls
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): mswitch.state.Tls & mswitch.state.Tls.$Shape;

            /**
             * Verifies a Tls message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Tls message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Tls
             */
            static fromObject(object: { [k: string]: any }): mswitch.state.Tls;

            /**
             * Creates a plain object from a Tls message. Also converts values to other types if specified.
             * @param message Tls
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: mswitch.state.Tls, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Tls to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Tls
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Tls {

            /** Properties of a Tls. */
            interface $Properties {

                /** Tls key */
                key?: (string|null);

                /** Tls cert */
                cert?: (string|null);

                /** Tls ca */
                ca?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Tls. */
            type $Shape = mswitch.state.Tls.$Properties;
        }

        /**
         * Properties of a Flows.
         * @deprecated Use mswitch.state.Flows.$Properties instead.
         */
        interface IFlows extends mswitch.state.Flows.$Properties {
        }

        /** Represents a Flows. */
        class Flows {

            /**
             * Constructs a new Flows.
             * @param [properties] Properties to set
             */
            constructor(properties?: mswitch.state.Flows.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Flows meters. */
            meters: string[];

            /** Flows groups. */
            groups: string[];

            /** Flows flows. */
            flows: string[];

            /**
             * Creates a new Flows instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Flows instance
             */
            static create(properties: mswitch.state.Flows.$Shape): mswitch.state.Flows & mswitch.state.Flows.$Shape;
            static create(properties?: mswitch.state.Flows.$Properties): mswitch.state.Flows;

            /**
             * Encodes the specified Flows message. Does not implicitly {@link mswitch.state.Flows.verify|verify} messages.
             * @param message Flows message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: mswitch.state.Flows.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Flows message, length delimited. Does not implicitly {@link mswitch.state.Flows.verify|verify} messages.
             * @param message Flows message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: mswitch.state.Flows.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Flows message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {mswitch.state.Flows & mswitch.state.Flows.$Shape} Flows
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): mswitch.state.Flows & mswitch.state.Flows.$Shape;

            /**
             * Decodes a Flows message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {mswitch.state.Flows & mswitch.state.Flows.$Shape} Flows
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): mswitch.state.Flows & mswitch.state.Flows.$Shape;

            /**
             * Verifies a Flows message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Flows message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Flows
             */
            static fromObject(object: { [k: string]: any }): mswitch.state.Flows;

            /**
             * Creates a plain object from a Flows message. Also converts values to other types if specified.
             * @param message Flows
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: mswitch.state.Flows, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Flows to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Flows
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Flows {

            /** Properties of a Flows. */
            interface $Properties {

                /** Flows meters */
                meters?: (string[]|null);

                /** Flows groups */
                groups?: (string[]|null);

                /** Flows flows */
                flows?: (string[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Flows. */
            type $Shape = mswitch.state.Flows.$Properties;
        }
    }
}

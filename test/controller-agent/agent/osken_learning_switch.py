# A learning switch for os-ken over OpenFlow 1.3, the controller of the
# agent's end-to-end tests (controller-e2e.test.ts).  Debian's
# python3-os-ken ships no sample apps, so this is ours.
#
# On connect it installs a table-miss flow sending whole packets to the
# controller.  Each packet-in teaches it the source MAC's port; a known
# destination gets a flow (in_port, eth_src, eth_dst -> output) and the
# packet is sent on with a packet-out; an unknown one is flooded by
# packet-out alone.  Every packet-in is logged as "packet in DPID SRC DST
# PORT", which the tests count to tell controller traffic from flow hits.
from os_ken.base import app_manager
from os_ken.controller import ofp_event
from os_ken.controller.handler import CONFIG_DISPATCHER, MAIN_DISPATCHER, set_ev_cls
from os_ken.lib.packet import ethernet, packet
from os_ken.ofproto import ofproto_v1_3


class LearningSwitch13(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ports_by_mac = {}  # datapath id -> {mac: port}

    @staticmethod
    def _apply(dp, actions):
        return [dp.ofproto_parser.OFPInstructionActions(dp.ofproto.OFPIT_APPLY_ACTIONS, actions)]

    @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
    def on_features(self, ev):
        dp = ev.msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        to_controller = [parser.OFPActionOutput(ofp.OFPP_CONTROLLER, ofp.OFPCML_NO_BUFFER)]
        dp.send_msg(parser.OFPFlowMod(datapath=dp, priority=0, match=parser.OFPMatch(),
                                      instructions=self._apply(dp, to_controller)))

    @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
    def on_packet_in(self, ev):
        msg = ev.msg
        dp = msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        in_port = msg.match['in_port']
        eth = packet.Packet(msg.data).get_protocol(ethernet.ethernet)
        if eth is None:
            return
        print('packet in %s %s %s %s' % (dp.id, eth.src, eth.dst, in_port), flush=True)
        macs = self.ports_by_mac.setdefault(dp.id, {})
        macs[eth.src] = in_port
        out_port = macs.get(eth.dst, ofp.OFPP_FLOOD)
        actions = [parser.OFPActionOutput(out_port)]
        if out_port != ofp.OFPP_FLOOD:
            match = parser.OFPMatch(in_port=in_port, eth_src=eth.src, eth_dst=eth.dst)
            dp.send_msg(parser.OFPFlowMod(datapath=dp, priority=1, match=match,
                                          instructions=self._apply(dp, actions)))
        dp.send_msg(parser.OFPPacketOut(datapath=dp, buffer_id=ofp.OFP_NO_BUFFER, in_port=in_port,
                                        actions=actions, data=msg.data))

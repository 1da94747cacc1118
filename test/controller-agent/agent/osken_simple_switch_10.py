# A learning switch for os-ken over OpenFlow 1.0, in the shape of os-ken's
# (and Ryu's) classic simple_switch.py, which Debian's python3-os-ken does
# not ship: it installs no table-miss flow and relies on OpenFlow 1.0's
# rule that a packet no flow matches comes to the controller as a
# packet-in (reason no_match).  The table-miss test (table-miss.test.ts)
# runs it against the switch.
#
# Each packet-in teaches it the source MAC's port; a known destination
# gets a flow (in_port, dl_dst -> output) and the packet is sent on with
# a packet-out; an unknown one is flooded by packet-out alone.  Every
# packet-in is logged as "packet in DPID SRC DST PORT REASON".
from os_ken.base import app_manager
from os_ken.controller import ofp_event
from os_ken.controller.handler import MAIN_DISPATCHER, set_ev_cls
from os_ken.lib.packet import ethernet, packet
from os_ken.ofproto import ofproto_v1_0


class SimpleSwitch10(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_0.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ports_by_mac = {}  # datapath id -> {mac: port}

    @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
    def on_packet_in(self, ev):
        msg = ev.msg
        dp = msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        eth = packet.Packet(msg.data).get_protocol(ethernet.ethernet)
        if eth is None:
            return
        print('packet in %s %s %s %s %s' % (dp.id, eth.src, eth.dst, msg.in_port, msg.reason), flush=True)
        macs = self.ports_by_mac.setdefault(dp.id, {})
        macs[eth.src] = msg.in_port
        out_port = macs.get(eth.dst, ofp.OFPP_FLOOD)
        actions = [parser.OFPActionOutput(out_port)]
        if out_port != ofp.OFPP_FLOOD:
            match = parser.OFPMatch(in_port=msg.in_port, dl_dst=eth.dst)
            dp.send_msg(parser.OFPFlowMod(datapath=dp, match=match, cookie=0, command=ofp.OFPFC_ADD,
                                          idle_timeout=0, hard_timeout=0, priority=ofp.OFP_DEFAULT_PRIORITY,
                                          flags=ofp.OFPFF_SEND_FLOW_REM, actions=actions))
        dp.send_msg(parser.OFPPacketOut(datapath=dp, buffer_id=msg.buffer_id, in_port=msg.in_port,
                                        actions=actions, data=msg.data))

# A monitoring app for os-ken over OpenFlow 1.3, run beside
# osken_learning_switch.py by the agent's os-ken tests (osken-*.test.ts).
#
# Every second it asks each connected switch for its flow stats
# (OFPFlowStatsRequest, all tables) and its port stats
# (OFPPortStatsRequest, all ports).  When a reply is complete (the last
# part of a REPLY_MORE sequence) it appends one JSON line to the file named
# by $MSWITCH_STATS_OUT:
#   {"kind": "flows", "dpid": N, "time": T, "flows": [{table, priority,
#     cookie, match, packets, bytes, duration}]}
#   {"kind": "ports", "dpid": N, "time": T, "ports": [{port, rx_packets,
#     tx_packets, rx_bytes, tx_bytes, rx_dropped, tx_dropped}]}
# The tests read those lines and check the numbers against the traffic
# they sent.  It installs nothing.
import json
import os
import time

from os_ken.base import app_manager
from os_ken.controller import ofp_event
from os_ken.controller.handler import DEAD_DISPATCHER, MAIN_DISPATCHER, set_ev_cls
from os_ken.lib import hub
from os_ken.ofproto import ofproto_v1_3


class StatsMonitor13(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.out_path = os.environ['MSWITCH_STATS_OUT']
        self.datapaths = {}
        self.parts = {}  # (dpid, kind) -> entries of a REPLY_MORE sequence so far
        self.poller = hub.spawn(self._poll)

    @set_ev_cls(ofp_event.EventOFPStateChange, [MAIN_DISPATCHER, DEAD_DISPATCHER])
    def on_state(self, ev):
        dp = ev.datapath
        if ev.state == MAIN_DISPATCHER:
            self.datapaths[dp.id] = dp
        elif dp.id in self.datapaths:
            del self.datapaths[dp.id]

    def _poll(self):
        while True:
            for dp in list(self.datapaths.values()):
                ofp, parser = dp.ofproto, dp.ofproto_parser
                dp.send_msg(parser.OFPFlowStatsRequest(dp, 0, ofp.OFPTT_ALL, ofp.OFPP_ANY, ofp.OFPG_ANY, 0, 0, parser.OFPMatch()))
                dp.send_msg(parser.OFPPortStatsRequest(dp, 0, ofp.OFPP_ANY))
            hub.sleep(1)

    def _write(self, record):
        with open(self.out_path, 'a') as f:
            f.write(json.dumps(record) + '\n')

    # Collects one part; writes the whole reply once the last part is in.
    def _collect(self, msg, kind, entries):
        key = (msg.datapath.id, kind)
        self.parts.setdefault(key, []).extend(entries)
        if msg.flags & msg.datapath.ofproto.OFPMPF_REPLY_MORE:
            return
        self._write({'kind': kind, 'dpid': msg.datapath.id, 'time': time.time(), kind: self.parts.pop(key)})

    @set_ev_cls(ofp_event.EventOFPFlowStatsReply, MAIN_DISPATCHER)
    def on_flow_stats(self, ev):
        self._collect(ev.msg, 'flows', [{
            'table': s.table_id, 'priority': s.priority, 'cookie': s.cookie,
            'match': {k: str(v) for k, v in s.match.items()},
            'packets': s.packet_count, 'bytes': s.byte_count,
            'duration': s.duration_sec + s.duration_nsec / 1e9,
        } for s in ev.msg.body])

    @set_ev_cls(ofp_event.EventOFPPortStatsReply, MAIN_DISPATCHER)
    def on_port_stats(self, ev):
        self._collect(ev.msg, 'ports', [{
            'port': s.port_no, 'rx_packets': s.rx_packets, 'tx_packets': s.tx_packets,
            'rx_bytes': s.rx_bytes, 'tx_bytes': s.tx_bytes, 'rx_dropped': s.rx_dropped, 'tx_dropped': s.tx_dropped,
        } for s in ev.msg.body])

# Native build.  The addon is the datapath (core, memif, built-in logics)
# plus the one glue layer that includes napi.h (datapath/binding); the
# packet generator is a plain executable sharing the memif client.
# Source lists are globbed so adding a file needs no edit here.
{
  "target_defaults": {
    "include_dirs": ["datapath/include", "datapath/src", "datapath"],
    "cflags!": ["-fno-exceptions", "-O2", "-O0"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-O2", "-O0"],
    "cflags": ["-O3", "-g", "-Wall", "-Wextra", "-Wno-unused-parameter", "-pthread", "-fno-strict-aliasing"],
    "cflags_cc": ["-std=c++17", "-fexceptions", "-O3"],
    "ldflags": ["-pthread"],
    "libraries": ["-ldl"]
  },
  "targets": [
    {
      "target_name": "mswitch",
      "sources": [
        "<!@(sh -c 'ls -1 datapath/src/core/*.cc datapath/src/memif/*.cc datapath/src/logics/*.cc ovs-compat/native/*.cc datapath/src/ports/*.cc datapath/binding/*.cc 2>/dev/null || true')"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "libraries": ["-lbpf"]
    },
    {
      "target_name": "mswitch-pkt-gen",
      "type": "executable",
      "sources": [
        "<!@(sh -c 'ls -1 datapath/src/memif/client*.cc datapath/src/tools/pkt_gen*.cc 2>/dev/null || true')",
        "datapath/src/ports/afxdp_socket.cc",
        "datapath/src/ports/xdp_prog.cc"
      ],
      "libraries": ["-lbpf"]
    },
    {
      "target_name": "mswitch-hostile-client",
      "type": "executable",
      "sources": [
        "<!@(sh -c 'ls -1 datapath/src/memif/client*.cc test/datapath/hostile/*.cc 2>/dev/null || true')"
      ]
    },
    {
      "target_name": "mswitch-native-test",
      "type": "executable",
      "sources": [
        "<!@(sh -c 'ls -1 datapath/src/core/*.cc datapath/src/memif/*.cc datapath/src/logics/*.cc ovs-compat/native/*.cc datapath/src/ports/frame_offload.cc test/datapath/native/*.cc 2>/dev/null || true')"
      ]
    },
    {
      "target_name": "mswitch-density-bench",
      "type": "executable",
      "sources": [
        "<!@(sh -c 'ls -1 datapath/src/core/*.cc datapath/src/logics/*.cc ovs-compat/native/*.cc test/bench/native/bench_ports.cc test/bench/native/density_*.cc 2>/dev/null || true')"
      ]
    },
    {
      "target_name": "mswitch-logic-bench",
      "type": "executable",
      "sources": [
        "<!@(sh -c 'ls -1 datapath/src/core/*.cc datapath/src/logics/*.cc ovs-compat/native/*.cc test/bench/native/bench_ports.cc test/bench/native/logic_*.cc 2>/dev/null || true')"
      ]
    },
    {
      "target_name": "mswitch-openflow-logic",
      "type": "shared_library",
      "product_dir": "<(PRODUCT_DIR)",
      "sources": [
        "<!@(sh -c 'ls -1 ovs-compat/native/*.cc 2>/dev/null || true')"
      ],
      "defines": ["MSW_OPENFLOW_SO"],
      "cflags": ["-fPIC"]
    },
    {
      "target_name": "mswitch-test-controller-logic",
      "type": "shared_library",
      "product_dir": "<(PRODUCT_DIR)",
      "sources": [
        "<!@(sh -c 'ls -1 test/datapath/logics/*.cc 2>/dev/null || true')"
      ],
      "cflags": ["-fPIC"]
    },
    {
      "target_name": "mswitch-ovs-compat-test",
      "type": "executable",
      "include_dirs": ["ovs-compat/native"],
      "sources": [
        "<!@(sh -c 'ls -1 ovs-compat/native/*.cc test/ovs-compat/native/*.cc test/datapath/native/main.cc datapath/src/logics/l2_learning.cc 2>/dev/null || true')"
      ]
    }
  ]
}

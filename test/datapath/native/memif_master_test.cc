// MemifMaster through its socket: the handshake with a RawClient, every
// refusal a hostile or broken client can provoke, forwarding between two
// clients through a real Switch, teardown paths, and interop with DPDK's
// dpdk-testpmd (net_memif in client role) when it is installed.
#include <grp.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "check.h"
#include "core/switch.h"
#include "memif/master.h"
#include "memif_raw_client.h"

namespace msw_test {
namespace {

using msw::MemifEvent;
using msw::memif::Msg;

// A private directory under /tmp, removed with what is in it.
struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/msw-memif-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { (void)!system(("rm -rf '" + path + "'").c_str()); }
  std::string path;
};

class EventLog {
 public:
  void Add(const MemifEvent& e) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(e);
  }
  // Waits for an event of 'type' on memif id 'id'; returns its detail.
  std::string Wait(MemifEvent::Type type, uint32_t id) {
    std::string detail;
    const bool ok = WaitFor([&] {
      std::lock_guard<std::mutex> lock(mu_);
      for (size_t i = 0; i < events_.size(); i++) {
        if (events_[i].type == type && events_[i].id == id) {
          detail = events_[i].detail;
          events_.erase(events_.begin() + long(i));
          return true;
        }
      }
      return false;
    }, 10);
    CHECK_MSG(ok, "no event of type " << type << " for memif id " << id);
    return detail;
  }

 private:
  std::mutex mu_;
  std::vector<MemifEvent> events_;
};

// A switch (static logic 1<->2, one worker) with a master listening in a
// temporary directory.
struct MasterRig {
  explicit MasterRig(bool auto_create = true, const std::string& secret = "") {
    msw::SwitchConfig c;
    c.name = "mt0";
    c.logic = "static";
    c.logic_config = "1=2,2=1";
    msw::Status st;
    sw = msw::Switch::Create(c, &st);
    CHECK_MSG(sw != nullptr, st.message);
    master.reset(new msw::MemifMaster(sw.get(), [this](const MemifEvent& e) { log.Add(e); }));
    path = dir.path + "/mt0.memif";
    st = master->Listen(msw::MemifListenConfig{path, true, auto_create, secret});
    CHECK_MSG(st.ok(), st.message);
  }
  uint32_t Add(uint32_t id, uint32_t port = 0, const std::string& secret = "") {
    uint32_t got = 0;
    msw::MemifInterfaceConfig ic;
    ic.id = id;
    ic.port = port;
    ic.secret = secret;
    msw::Status st = master->AddInterface(ic, &got);
    CHECK_MSG(st.ok(), st.message);
    return got;
  }
  uint32_t MemifPorts() {
    uint32_t n = 0;
    sw->ForEachPort([&](msw::Port& p) { n += p.kind() == "memif"; });
    return n;
  }
  msw::PortStats Stats(uint32_t port) {
    msw::PortStats s;
    sw->ForEachPort([&](msw::Port& p) {
      if (p.index() == port) s = p.Stats();
    });
    return s;
  }

  TempDir dir;
  std::string path;
  EventLog log;
  std::unique_ptr<msw::Switch> sw;
  std::unique_ptr<msw::MemifMaster> master;  // destroyed before the switch
};

// Reads the DISCONNECT the master must send, then expects EOF.
std::string ExpectDisconnect(RawClient& c) {
  const Msg m = c.Recv();
  CHECK_MSG(m.type == msw::memif::kMsgDisconnect, "got message type " << m.type);
  CHECK(c.Closed());
  return std::string(reinterpret_cast<const char*>(m.disconnect.string),
                     strnlen(reinterpret_cast<const char*>(m.disconnect.string), 96));
}

MSW_TEST(MemifMasterHandshakeAndTeardown) {
  MasterRig rig;
  CHECK_EQ(rig.Add(1, 5), 5u);
  RawClient a(RawLayout{});
  CHECK(a.Handshake(rig.path, 1));
  CHECK_EQ(rig.log.Wait(MemifEvent::kUp, 1), std::string("raw-client"));
  CHECK_EQ(rig.MemifPorts(), 1u);
  bool up = false;
  rig.sw->ForEachPort([&](msw::Port& p) { up = p.index() == 5 && p.up() && p.name() == "memif1"; });
  CHECK(up);
  // Auto-created interface: lowest free number, gone with its client.
  RawClient b(RawLayout{2, 2, 6, 1024, true});
  CHECK(b.Handshake(rig.path, 42));
  rig.log.Wait(MemifEvent::kUp, 42);
  auto ifs = rig.master->Interfaces();
  CHECK_EQ(ifs.size(), 2u);
  CHECK(ifs[0].id == 1 && ifs[0].connected && ifs[0].client_name == "raw-client");
  CHECK(ifs[1].id == 42 && ifs[1].port == 1 && ifs[1].name == "memif42");
  CHECK(rig.master->Owns(1) && rig.master->Owns(5) && !rig.master->Owns(2));
  b.Close();
  CHECK_EQ(rig.log.Wait(MemifEvent::kDown, 42), std::string("client closed the connection"));
  CHECK(!rig.master->Owns(1));
  CHECK_EQ(rig.sw->ReserveIndex(1), 1u);  // released
  rig.sw->ReleaseIndex(1);
  // Pre-created: the number stays reserved for the next connection.
  Msg bye = RawClient::Make(msw::memif::kMsgDisconnect);
  std::memcpy(bye.disconnect.string, "bye", 3);
  CHECK(a.Send(bye));
  CHECK_EQ(rig.log.Wait(MemifEvent::kDown, 1), std::string("client disconnected: bye"));
  CHECK_EQ(rig.MemifPorts(), 0u);
  CHECK_EQ(rig.sw->ReserveIndex(5), 0u);
  ifs = rig.master->Interfaces();
  CHECK(ifs.size() == 1 && !ifs[0].connected);
  RawClient again(RawLayout{});
  CHECK(again.Handshake(rig.path, 1));  // reconnects on the same number
  rig.log.Wait(MemifEvent::kUp, 1);
  CHECK(rig.Stats(5).rx_packets == 0 && rig.MemifPorts() == 1);
}

// Each case breaks the handshake one way; the master must answer with
// DISCONNECT naming the problem, close, report kRefused and leave the
// switch as it was.
MSW_TEST(MemifMasterRefusesBadClients) {
  using Step = std::function<void(RawClient&)>;
  auto init = [](uint32_t id) {
    return [id](RawClient& c) { CHECK(c.Send(c.InitMsg(id)) && c.Expect(msw::memif::kMsgAck)); };
  };
  auto region = [](RawClient& c) { CHECK(c.Send(c.RegionMsg(), c.memfd()) && c.Expect(msw::memif::kMsgAck)); };
  auto ring = [](bool s2m) {
    return [s2m](RawClient& c) {
      CHECK(c.Send(c.RingMsg(s2m, 0), s2m ? c.s2m_fd(0) : c.m2s_fd(0)) && c.Expect(msw::memif::kMsgAck));
    };
  };
  struct Case {
    const char* name;
    std::vector<Step> ok_steps;
    Step bad;
    const char* reason;
    bool seal = true;
  };
  const std::vector<Case> cases = {
      {"short message", {}, [&](RawClient& c) { c.Send(c.InitMsg(1), -1, 64); }, "memif messages are 128"},
      {"long message", {}, [](RawClient& c) {
         uint8_t buf[200] = {};
         (void)!send(c.fd(), buf, sizeof(buf), 0);
       }, "over 128 bytes"},
      {"region before INIT", {}, [](RawClient& c) { c.Send(c.RegionMsg(), c.memfd()); },
       "unexpected message type 4"},
      {"connect before INIT", {}, [](RawClient& c) { c.Send(c.Make(msw::memif::kMsgConnect)); },
       "unexpected message type 6"},
      {"old version", {}, [&](RawClient& c) {
         Msg m = c.InitMsg(1);
         m.init.version = 0x0100;
         c.Send(m);
       }, "incompatible memif version 1.0"},
      {"ip mode", {}, [&](RawClient& c) {
         Msg m = c.InitMsg(1);
         m.init.mode = msw::memif::kModeIp;
         c.Send(m);
       }, "only ethernet mode"},
      {"missing secret", {}, [&](RawClient& c) { c.Send(c.InitMsg(2)); }, "secret required"},
      {"wrong secret", {}, [&](RawClient& c) { c.Send(c.InitMsg(2, "guess")); }, "incorrect secret"},
      {"second INIT", {init(1)}, [&](RawClient& c) { c.Send(c.InitMsg(1)); }, "unexpected message type 3"},
      {"hello from the client", {init(1)}, [](RawClient& c) { c.Send(c.Make(msw::memif::kMsgHello)); },
       "unexpected message type 2"},
      {"region without fd", {init(1)}, [](RawClient& c) { c.Send(c.RegionMsg()); }, "came with 0 fds"},
      {"region out of order", {init(1)}, [](RawClient& c) { c.Send(c.RegionMsg(1), c.memfd()); },
       "expected region 0"},
      {"region of size 0", {init(1)}, [](RawClient& c) {
         Msg m = c.RegionMsg();
         m.add_region.size = 0;
         c.Send(m, c.memfd());
       }, "not in 1..4 GiB"},
      {"region larger than its memfd", {init(1)},
       [](RawClient& c) { c.Send(c.RegionMsg(0, c.region_size() + 4096), c.memfd()); },
       "smaller than the declared size"},
      {"region not sealed", {init(1)}, [](RawClient& c) { c.Send(c.RegionMsg(), c.memfd()); },
       "F_SEAL_SHRINK", false},
      {"region fd not a file", {init(1)}, [](RawClient& c) { c.Send(c.RegionMsg(), c.s2m_fd(0)); },
       "not a memfd"},
      {"ring before its region", {init(1)}, [](RawClient& c) { c.Send(c.RingMsg(true, 0), c.s2m_fd(0)); },
       "unknown region 0"},
      {"ring beyond its region", {init(1), region}, [](RawClient& c) {
         Msg m = c.RingMsg(true, 0);
         m.add_ring.offset = uint32_t(c.region_size() - 64);
         c.Send(m, c.s2m_fd(0));
       }, "beyond its region"},
      {"ring unaligned", {init(1), region}, [](RawClient& c) {
         Msg m = c.RingMsg(true, 0);
         m.add_ring.offset = 4;
         c.Send(m, c.s2m_fd(0));
       }, "unaligned"},
      {"ring too big", {init(1), region}, [](RawClient& c) {
         Msg m = c.RingMsg(true, 0);
         m.add_ring.log2_ring_size = 15;
         c.Send(m, c.s2m_fd(0));
       }, "log2 size 15"},
      {"ring index too big", {init(1), region}, [](RawClient& c) {
         Msg m = c.RingMsg(false, 0);
         m.add_ring.index = 16;
         c.Send(m, c.m2s_fd(0));
       }, "M2S ring 16: bad or repeated"},
      {"ring repeated", {init(1), region, ring(true)},
       [](RawClient& c) { c.Send(c.RingMsg(true, 0), c.s2m_fd(0)); }, "bad or repeated"},
      {"ring fd not an eventfd", {init(1), region},
       [](RawClient& c) { c.Send(c.RingMsg(true, 0), c.memfd()); }, "not an eventfd"},
      {"connect without M2S ring", {init(1), region, ring(true)},
       [](RawClient& c) { c.Send(c.Make(msw::memif::kMsgConnect)); }, "no M2S ring"},
      {"connect with a gap in the rings", {init(1), region, ring(true), ring(false)}, [](RawClient& c) {
         Msg m = c.RingMsg(false, 0);
         m.add_ring.index = 2;
         CHECK(c.Send(m, c.m2s_fd(0)) && c.Expect(msw::memif::kMsgAck));
         c.Send(c.Make(msw::memif::kMsgConnect));
       }, "not 0..n-1"},
      {"bad cookie", {init(1), region, ring(true), ring(false)}, [](RawClient& c) {
         c.m2s(0)->cookie = 0xdead;
         c.Send(c.Make(msw::memif::kMsgConnect));
       }, "M2S ring 0: bad cookie"},
  };
  MasterRig rig;
  rig.Add(1, 3);
  rig.Add(2, 4, "s3cret");
  for (const Case& c : cases) {
    RawClient client(RawLayout{1, 1, 8, 2048, c.seal});
    CHECK_MSG(client.Connect(rig.path) && client.Expect(msw::memif::kMsgHello), c.name);
    for (const Step& s : c.ok_steps) s(client);
    c.bad(client);
    const std::string reason = ExpectDisconnect(client);
    CHECK_MSG(reason.find(c.reason) != std::string::npos, c.name << ": got '" << reason << "'");
    // The event names the id the client asked for (0 before any INIT).
    const std::string n = c.name;
    const uint32_t id = n.find("secret") != std::string::npos ? 2
                        : (c.ok_steps.empty() && n.find("version") == std::string::npos &&
                           n.find("mode") == std::string::npos) ? 0 : 1;
    const std::string detail = rig.log.Wait(MemifEvent::kRefused, id);
    CHECK_MSG(detail.find(c.reason) != std::string::npos, c.name << ": event said '" << detail << "'");
    CHECK_MSG(rig.MemifPorts() == 0, c.name);
    const auto ifs = rig.master->Interfaces();
    CHECK_MSG(ifs.size() == 2 && !ifs[0].connected && !ifs[1].connected, c.name);
  }
  // After all that, an honest client still gets in.
  RawClient ok(RawLayout{});
  CHECK(ok.Handshake(rig.path, 2, "s3cret"));
  rig.log.Wait(MemifEvent::kUp, 2);
}

MSW_TEST(MemifMasterRefusesUnknownAndBusyIds) {
  MasterRig rig(/*auto_create=*/false, /*secret=*/"listener-secret");
  rig.Add(1);
  RawClient stranger(RawLayout{});
  CHECK(stranger.Connect(rig.path) && stranger.Expect(msw::memif::kMsgHello));
  CHECK(stranger.Send(stranger.InitMsg(9, "listener-secret")));
  CHECK_EQ(ExpectDisconnect(stranger), std::string("ID not found"));
  RawClient first(RawLayout{});
  CHECK(first.Handshake(rig.path, 1, "listener-secret"));  // the listener's secret applies
  RawClient second(RawLayout{});
  CHECK(second.Connect(rig.path) && second.Expect(msw::memif::kMsgHello));
  CHECK(second.Send(second.InitMsg(1, "listener-secret")));
  CHECK_EQ(ExpectDisconnect(second), std::string("already connected"));
  // A connected client that keeps talking is a protocol error too.
  CHECK(first.Send(RawClient::Make(msw::memif::kMsgAck)));
  CHECK(ExpectDisconnect(first).find("unexpected message type 1") != std::string::npos);
  rig.log.Wait(MemifEvent::kDown, 1);
  CHECK_EQ(rig.MemifPorts(), 0u);
}

// Frames from client A's S2M ring reach client B's M2S ring through the
// switch (static 1<->2) and back, chains and interrupts included.
MSW_TEST(MemifMasterForwardsBetweenClients) {
  MasterRig rig;
  rig.Add(1, 1);
  rig.Add(2, 2);
  RawClient a(RawLayout{}), b(RawLayout{1, 1, 9, 2048, true});
  CHECK(a.Handshake(rig.path, 1));
  CHECK(b.Handshake(rig.path, 2));
  rig.log.Wait(MemifEvent::kUp, 1);
  rig.log.Wait(MemifEvent::kUp, 2);
  a.Offer(0);
  b.Offer(0);
  Rng rng(ctx.seed);
  for (int round = 0; round < 2; round++) {
    RawClient& from = round ? b : a;
    RawClient& to = round ? a : b;
    std::vector<Bytes> sent, got;
    for (int i = 0; i < 100; i++) {
      Bytes f(rng.Chance(0.2) ? rng.Range(2049, 9000) : rng.Range(14, 1514));
      for (auto& x : f) x = rng.Byte();
      sent.push_back(f);
      CHECK(WaitFor([&] { return from.SendFrame(0, f); }));
    }
    CHECK(WaitFor([&] {
      for (Bytes& f : to.Take(0)) got.push_back(f);
      to.Offer(0);
      return got.size() >= sent.size();
    }));
    CHECK(got == sent);
  }
  uint64_t kicks = 0;
  CHECK_EQ(read(b.m2s_fd(0), &kicks, sizeof(kicks)), ssize_t(sizeof(kicks)));
  CHECK(kicks >= 1);  // B left interrupts on
  CHECK_EQ(rig.Stats(1).rx_packets, 100u);
  CHECK_EQ(rig.Stats(2).tx_packets, 100u);
}

MSW_TEST(MemifMasterRemoveInterfaceDisconnects) {
  MasterRig rig;
  const uint32_t port = rig.Add(3);
  RawClient c(RawLayout{});
  CHECK(c.Handshake(rig.path, 3));
  rig.log.Wait(MemifEvent::kUp, 3);
  msw::Status st = rig.master->RemoveInterface(port);
  CHECK_MSG(st.ok(), st.message);
  CHECK_EQ(ExpectDisconnect(c), std::string("interface removed"));
  CHECK_EQ(rig.log.Wait(MemifEvent::kDown, 3), std::string("interface removed"));
  CHECK(!rig.master->Owns(port) && rig.MemifPorts() == 0);
  CHECK_EQ(rig.sw->ReserveIndex(port), port);
  rig.sw->ReleaseIndex(port);
  st = rig.master->RemoveInterface(port);
  CHECK_EQ(st.code, ENOENT);
  uint32_t again = 0;
  CHECK_EQ(rig.master->AddInterface(msw::MemifInterfaceConfig{3, "", 0, "", -1}, &again).code, 0);
  CHECK_EQ(again, port);
}

MSW_TEST(MemifMasterTimesOutSilentClients) {
  MasterRig rig;
  RawClient c(RawLayout{});
  CHECK(c.Connect(rig.path) && c.Expect(msw::memif::kMsgHello));
  const uint64_t t0 = NowNs();
  CHECK_EQ(ExpectDisconnect(c), std::string("handshake timed out"));
  CHECK(NowNs() - t0 > 4000000000ull);
}

MSW_TEST(MemifMasterStopDisconnectsEveryone) {
  MasterRig rig;
  RawClient a(RawLayout{}), b(RawLayout{});
  CHECK(a.Handshake(rig.path, 1) && b.Handshake(rig.path, 2));
  rig.log.Wait(MemifEvent::kUp, 1);
  rig.log.Wait(MemifEvent::kUp, 2);
  rig.master->Stop();
  CHECK_EQ(ExpectDisconnect(a), std::string("switch shutting down"));
  CHECK_EQ(ExpectDisconnect(b), std::string("switch shutting down"));
  CHECK_EQ(rig.MemifPorts(), 0u);
  CHECK(access(rig.path.c_str(), F_OK) != 0);  // socket file removed
  rig.master->Stop();                          // idempotent
  CHECK(rig.master->RemoveInterface(77).code == ENOENT);
}

MSW_TEST(MemifMasterListenChecks) {
  TempDir dir;
  msw::SwitchConfig c;
  c.name = "mt1";
  c.logic = "static";
  msw::Status st;
  auto sw = msw::Switch::Create(c, &st);
  CHECK(sw != nullptr);
  const std::string path = dir.path + "/s.memif";
  {  // a regular file is never replaced
    std::ofstream(path) << "x";
    msw::MemifMaster m(sw.get(), nullptr);
    CHECK_EQ(m.Listen(msw::MemifListenConfig{path, false, true, ""}).code, EEXIST);
    unlink(path.c_str());
  }
  {  // a stale socket is
    int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, path.data(), path.size());
    CHECK(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
    close(s);
  }
  msw::MemifMaster m1(sw.get(), nullptr);
  st = m1.Listen(msw::MemifListenConfig{path, true, true, ""});
  CHECK_MSG(st.ok(), st.message);
  struct stat sb;
  CHECK(stat(path.c_str(), &sb) == 0 && (sb.st_mode & 0777) == 0660);
  CHECK_EQ(m1.Listen(msw::MemifListenConfig{path, true, true, ""}).code, EALREADY);
  msw::MemifMaster m2(sw.get(), nullptr);  // a live one is not
  CHECK_EQ(m2.Listen(msw::MemifListenConfig{path, false, true, ""}).code, EADDRINUSE);
  CHECK_EQ(m2.Listen(msw::MemifListenConfig{dir.path + "/no/such/dir", false, true, ""}).code, ENOENT);
  RawClient viaAbstract(RawLayout{});
  CHECK(viaAbstract.Connect(path, /*abstract=*/true) && viaAbstract.Expect(msw::memif::kMsgHello));
  // Who may not open the socket file may not use the abstract name either.
  if (geteuid() == 0) {
    const pid_t pid = fork();
    if (pid == 0) {
      if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) _exit(10);
      RawClient file(RawLayout{});
      if (file.Connect(path) || errno != EACCES) _exit(11);
      RawClient abs(RawLayout{});
      if (!abs.Connect(path, true)) _exit(12);
      const Msg m = abs.Recv();
      const bool denied = m.type == msw::memif::kMsgDisconnect &&
                          std::strcmp(reinterpret_cast<const char*>(m.disconnect.string),
                                      "permission denied") == 0;
      _exit(denied ? 0 : 13);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status " << status);
  }
}

// Randomized: clients scribble on their rings (descriptors, head, tail,
// flags) while traffic flows, and others send random handshake messages.
// The switch must neither crash nor stall: afterwards an honest pair
// still forwards.  Run it under ASan to catch out-of-bounds access.
MSW_TEST(MemifMasterSurvivesScribblingClients) {
  MasterRig rig;
  RawClient a(RawLayout{1, 1, 6, 2048, true}), b(RawLayout{1, 1, 6, 2048, true});
  CHECK(a.Handshake(rig.path, 1) && b.Handshake(rig.path, 2));
  rig.log.Wait(MemifEvent::kUp, 1);
  rig.log.Wait(MemifEvent::kUp, 2);
  std::atomic<bool> stop{false};
  std::thread scribbler([&] {
    Rng rng(ctx.seed);
    while (!stop.load()) {
      RawClient& c = rng.Chance(0.5) ? a : b;
      msw::memif::Ring* r = rng.Chance(0.5) ? c.s2m(0) : c.m2s(0);
      uint8_t* p = reinterpret_cast<uint8_t*>(r);
      const uint32_t span = uint32_t(msw::memif::RingBytes(6));
      switch (rng.Range(0, 3)) {
        case 0: __atomic_store_n(&r->head, uint16_t(rng.Next()), __ATOMIC_RELEASE); break;
        case 1: __atomic_store_n(&r->flags, uint16_t(rng.Next()), __ATOMIC_RELAXED); break;
        default: __atomic_store_n(p + rng.Range(128, span - 1), rng.Byte(), __ATOMIC_RELAXED); break;
      }
      if (rng.Chance(0.01)) std::this_thread::yield();
    }
  });
  std::thread fuzzer([&] {
    Rng rng(ctx.seed + 1);
    for (int i = 0; i < 200 && !stop.load(); i++) {
      RawClient c(RawLayout{1, 1, 4, 256, rng.Chance(0.8)});
      if (!c.Connect(rig.path) || !c.Expect(msw::memif::kMsgHello)) continue;
      const int n = int(rng.Range(1, 6));
      for (int k = 0; k < n; k++) {
        Msg m = RawClient::Make(uint16_t(rng.Range(0, 9)));
        if (k == 0 && rng.Chance(0.7)) m = c.InitMsg(rng.Range(100, 104));
        for (size_t j = 2; j < sizeof(m) && rng.Chance(0.5); j++) reinterpret_cast<uint8_t*>(&m)[j] = rng.Byte();
        const int fd = rng.Chance(0.3) ? c.memfd() : rng.Chance(0.3) ? c.s2m_fd(0) : -1;
        if (!c.Send(m, fd)) break;
      }
    }
  });
  Rng rng(ctx.seed + 2);
  const uint64_t t0 = NowNs();
  while (NowNs() - t0 < 1500000000ull) {
    a.SendFrame(0, Bytes(rng.Range(14, 3000), 0xab));
    b.Offer(0);
    b.Skip(0);  // its descriptors are garbage: the client must not follow them
  }
  stop.store(true);
  scribbler.join();
  fuzzer.join();
  const msw::PortStats s = rig.Stats(1);
  uint64_t hostile = 0;
  for (uint32_t r : {msw::kBadRing, msw::kBadRegion, msw::kBadOffset, msw::kBadLength, msw::kBadChain})
    hostile += s.drops[r];
  CHECK_MSG(hostile > 0, "the scribbling was never noticed");
  a.Close();
  b.Close();
  rig.log.Wait(MemifEvent::kDown, 1);
  rig.log.Wait(MemifEvent::kDown, 2);
  RawClient c(RawLayout{}), d(RawLayout{});
  CHECK(c.Handshake(rig.path, 1) && d.Handshake(rig.path, 2));
  d.Offer(0);
  CHECK(c.SendFrame(0, Bytes(100, 1)));
  std::vector<Bytes> got;
  CHECK(WaitFor([&] {
    for (Bytes& f : d.Take(0)) got.push_back(f);
    return !got.empty();
  }));
  CHECK(got[0] == Bytes(100, 1));
}

// ---- interop with DPDK ----

std::string FindTestpmd() {
  for (const char* p : {"/usr/bin/dpdk-testpmd", "/usr/local/bin/dpdk-testpmd"})
    if (access(p, X_OK) == 0) return p;
  return "";
}

// testpmd with two net_memif client ports on our socket, in io mode with
// --tx-first: each port sends one burst, the switch (static 1<->2) hands it
// to the other port, testpmd forwards it back in, and so on.  Frames keep
// circling only if the handshake, both rings each way and the interrupt
// flags all work with a real peer.
MSW_TEST(MemifMasterInteropDpdkTestpmd) {
  const std::string testpmd = FindTestpmd();
  if (testpmd.empty()) SKIP_TEST("dpdk-testpmd not installed (Debian: dpdk-dev, librte-net-memif23)");
  MasterRig rig;
  CHECK_EQ(rig.Add(0, 1), 1u);
  CHECK_EQ(rig.Add(1, 2), 2u);
  const std::string out = rig.dir.path + "/testpmd.out";
  std::vector<std::string> args = {
      testpmd, "-l", "0,1", "--no-pci", "--no-huge", "-m", "512", "--file-prefix=msw" + std::to_string(getpid()),
      "--vdev=net_memif0,role=client,socket=" + rig.path + ",socket-abstract=no,id=0",
      "--vdev=net_memif1,role=client,socket=" + rig.path + ",id=1",  // the abstract name
      "--", "--total-num-mbufs=16384", "--forward-mode=io", "--tx-first", "--auto-start",
      "--stats-period=1", "--txpkts=64"};
  const pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(&a[0]);
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  auto stop = [&] {
    kill(pid, SIGINT);
    for (int i = 0; i < 100; i++) {
      if (waitpid(pid, nullptr, WNOHANG) == pid) return;
      SleepMs(100);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  };
  auto dump = [&] {
    std::ifstream f(out);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str().substr(ss.str().size() > 3000 ? ss.str().size() - 3000 : 0);
  };
  try {
    rig.log.Wait(MemifEvent::kUp, 0);
    rig.log.Wait(MemifEvent::kUp, 1);
    CHECK_MSG(WaitFor([&] {
      return rig.Stats(1).rx_packets > 100000 && rig.Stats(2).rx_packets > 100000;
    }, 30), "rx " << rig.Stats(1).rx_packets << "/" << rig.Stats(2).rx_packets << "\n" << dump());
  } catch (...) {
    stop();
    throw;
  }
  stop();
  rig.log.Wait(MemifEvent::kDown, 0);
  rig.log.Wait(MemifEvent::kDown, 1);
  CHECK_EQ(rig.MemifPorts(), 0u);
  const std::string text = dump();
  CHECK_MSG(text.find("RX-packets") != std::string::npos, text);
}

}  // namespace
}  // namespace msw_test

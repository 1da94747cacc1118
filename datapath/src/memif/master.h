// MemifMaster: the switch's end of the memif control channel.  Clients
// connect to a unix SOCK_SEQPACKET socket, share their memory and rings,
// and each connected client becomes a MemifPort in the switch.
//
// What?
//   One master per switch, listening on `<rundir>/<bridge>.memif` (and, by
//   default, on the same name in the abstract namespace, which is where
//   DPDK's net_memif looks unless told `socket-abstract=no`).  Interfaces
//   are identified by the memif id a client sends in INIT: pre-created
//   ones (AddInterface: a fixed port number, name, secret, worker) or, if
//   the listener allows it, created on the fly for an unknown id and gone
//   again when that client leaves.
//
// Design
//   One native control thread owns every connection: an epoll set over the
//   listening sockets, the connections and an eventfd that carries Stop
//   and commands from other threads (RemoveInterface runs on the control
//   thread, so connection state needs no lock).  The handshake is a state
//   machine per connection (protocol.h): INIT binds it to an interface,
//   ADD_REGION maps a memfd, ADD_RING records a ring and its eventfd,
//   CONNECT checks the whole set, builds the MemifPort and publishes it
//   with Switch::AddPort.  Any error sends DISCONNECT with a reason and
//   closes; the reason also goes out as an event.
//
//   The socket file's mode (0660) decides who may connect; the abstract
//   name has no mode, so a peer arriving there is admitted only if the
//   file would admit it (SO_PEERCRED: root, the file's owner, or a member
//   of its group).
//
//   The client is never trusted.  Sockets are non-blocking and every
//   message must be exactly 128 bytes with the fds its type needs; each
//   message type is accepted only in its state; regions must be sealed
//   memfds at least as large as declared (so no access to them can fault:
//   DPDK's client seals with F_SEAL_SHRINK and so must every client);
//   rings must lie inside their regions and carry eventfds; a handshake
//   must finish within kHandshakeTimeoutMs; at most kMaxHandshakes run at
//   once.  A periodic tick also samples each port's kick watchdog
//   (memif_port.h) and disconnects a client that parks a worker.
//
// Events
//   on_event runs on the control thread, with no lock held: kUp when a
//   client's port joined the switch (detail: the client's name), kDown when
//   a connected client left or was removed (detail: why), kRefused when a
//   handshake failed (detail: why).  It must not call Stop.
//
// Thread-safety
//   Every public method may be called from any thread except the control
//   thread (on_event); Stop and the destructor wait for the control thread.
//   The Switch must outlive the master.
#ifndef MSWITCH_MEMIF_MASTER_H_
#define MSWITCH_MEMIF_MASTER_H_

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "core/switch.h"
#include "memif/memif_port.h"
#include "memif/protocol.h"

namespace msw {

struct MemifListenConfig {
  std::string path;          // socket file; also the abstract name
  bool abstract = true;      // also listen on "\0" + path
  bool auto_create = true;   // accept ids nobody pre-created
  std::string secret;        // for interfaces that have none of their own
};

struct MemifInterfaceConfig {
  uint32_t id = 0;           // memif id the client sends in INIT
  std::string name;          // port name; default "memif<id>"
  uint32_t port = 0;         // port number; 0 = lowest free
  std::string secret;        // at most 24 bytes; empty = the listener's
  int worker = -1;           // pin its receive queues to this worker
};

struct MemifEvent {
  enum Type { kUp, kDown, kRefused } type;
  uint32_t port = 0;
  uint32_t id = 0;
  std::string name;
  std::string detail;
};

struct MemifInterfaceInfo {
  uint32_t id;
  uint32_t port;
  std::string name;
  bool connected;
  std::string client_name;
  // Counters of earlier connections of a pre-created interface: a port
  // keeps counting across its client's reconnects, as an OVS port does.
  PortStats carried;
};

class MemifMaster {
 public:
  static constexpr int kTickMs = 250;
  static constexpr int kHandshakeTimeoutMs = 5000;
  static constexpr uint32_t kStallTicks = 8;  // 2 s of a blocked kick
  static constexpr size_t kMaxHandshakes = 64;
  static constexpr uint64_t kMaxRegionSize = uint64_t{1} << 32;

  MemifMaster(Switch* sw, std::function<void(const MemifEvent&)> on_event);
  ~MemifMaster();
  MemifMaster(const MemifMaster&) = delete;
  MemifMaster& operator=(const MemifMaster&) = delete;

  // Binds the socket file at 'cfg.path' (replacing a stale socket there,
  // never another kind of file; the directory must exist; mode 0660) and,
  // with 'cfg.abstract', the abstract name too; starts the control thread.
  // Once per master.
  Status Listen(const MemifListenConfig& cfg);

  // Pre-creates interface 'cfg.id' and reserves its port number ('*port').
  // EEXIST if the id exists or the number is taken.
  Status AddInterface(const MemifInterfaceConfig& cfg, uint32_t* port);

  // Disconnects the interface on 'port' (DISCONNECT, close), removes its
  // port from the switch and releases the number.  ENOENT if none.
  Status RemoveInterface(uint32_t port);

  std::vector<MemifInterfaceInfo> Interfaces() const;
  // Calls 'fn' with the interfaces while no port can leave the switch or
  // move its counters into 'carried': for a consistent read of both.
  // 'fn' may read the switch (Switch::ForEachPort) but not call the master.
  void Snapshot(const std::function<void(const std::vector<MemifInterfaceInfo>&)>& fn) const;
  bool Owns(uint32_t port) const;
  // Counts 'frames' sent to 'port' while its interface had no client as
  // port-down drops on the interface (Switch::Inject's unowned counter).
  void CountUnconnectedDrops(uint32_t port, uint64_t frames);

  // Disconnects every client, removes their ports, closes the sockets and
  // joins the control thread.  Idempotent.
  void Stop();

 private:
  struct Interface {
    MemifInterfaceConfig cfg;  // cfg.port is the reserved number
    bool precreated = false;
    bool removing = false;     // RemoveInterface in progress
    uint64_t conn = 0;         // serial of the bound connection, 0 if none
    bool connected = false;    // its port is in the switch
    std::string client_name;
    PortStats carried;         // counters of its earlier connections
  };

  struct Connection {
    enum State { kAwaitInit, kAwaitConnect, kConnected };
    uint64_t serial = 0;
    int fd = -1;
    State state = kAwaitInit;
    uint64_t deadline_ms = 0;  // handshake deadline
    bool bound = false;        // INIT bound it to interface 'id'
    uint32_t id = 0;
    std::string client_name;
    memif::SharedMemory shm;   // until CONNECT hands it to the port
    MemifPort* port = nullptr; // owned by the switch while connected
  };

  class FdList;  // fds received with one message (master.cc)

  // Control thread.
  void Run();
  void Accept(int which);
  void SetAcceptPaused(bool paused);
  void OnReadable(uint64_t serial);
  Status Handle(Connection& c, const memif::Msg& msg, FdList& fds);
  Status HandleInit(Connection& c, const memif::MsgInit& m);
  Status HandleAddRegion(Connection& c, const memif::MsgAddRegion& m, FdList& fds);
  Status HandleAddRing(Connection& c, const memif::MsgAddRing& m, FdList& fds);
  Status HandleConnect(Connection& c, const memif::MsgConnect& m);
  void Drop(uint64_t serial, const std::string& reason, bool tell_client);
  void Tick();
  void RunCommands();
  Status DoRemoveInterface(uint32_t port);

  // Runs 'fn' on the control thread and waits; false if it is not running
  // (the caller then runs it itself: with no thread there is no connection).
  bool RunOnControlThread(const std::function<void()>& fn);
  void Emit(MemifEvent::Type type, uint32_t port, uint32_t id,
            const std::string& name, const std::string& detail);

  Switch* const sw_;
  const std::function<void(const MemifEvent&)> on_event_;

  mutable std::mutex mu_;                   // guards interfaces_
  std::map<uint32_t, Interface> interfaces_;  // by memif id

  // Set by Listen before the thread starts; read-only afterwards.
  MemifListenConfig listen_cfg_;
  int listen_fd_[2] = {-1, -1};  // filesystem, abstract
  ino_t listen_ino_ = 0;         // the socket file we bound, to unlink it
  dev_t listen_dev_ = 0;
  uid_t listen_uid_ = 0;         // its owner and group, for abstract peers
  gid_t listen_gid_ = 0;
  int epfd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;

  std::mutex cmd_mu_;  // guards the fields below
  std::condition_variable cmd_cv_;
  std::deque<std::function<void()>> cmds_;
  uint64_t cmds_posted_ = 0, cmds_done_ = 0;
  bool running_ = false;  // the control thread accepts commands
  bool listened_ = false;
  bool stop_ = false;

  // Control thread only.
  std::map<uint64_t, std::unique_ptr<Connection>> conns_;
  uint64_t next_serial_ = 16;  // below: epoll tags of our own fds
  bool accept_paused_ = false;
  uint64_t next_tick_ms_ = 0;
};

}  // namespace msw

#endif  // MSWITCH_MEMIF_MASTER_H_

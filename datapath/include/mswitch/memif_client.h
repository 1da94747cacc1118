// mswitch memif client library: attach to a memif master (our switch,
// DPDK's net_memif in server role, VPP) as the client ("slave").
//
// What?
//   MemifClient connects to a master's unix socket, creates the shared
//   memory, performs the memif v2 handshake and then moves Ethernet frames
//   through its rings: Send / SendPrefilled put frames on the S2M rings
//   (towards the master), Recv takes frames from the M2S rings.  The wire
//   format and the ring semantics are those of datapath/src/memif/protocol.h;
//   this header does not restate them.  It serves mswitch-pkt-gen, the
//   Node binding (MemifClient in controller-agent/src/datapath.ts) and tests
//   that need to play a well-behaved or a hostile client.
//
// Design
//   Memory.  The client owns all memory, as the protocol says: one memfd
//   region (created with MFD_ALLOW_SEALING; sealed against shrinking before
//   it is sized, as DPDK does, and against growing once sized), laid out as
//   DPDK's net_memif lays it out:
//     [S2M ring 0 .. S2M ring q-1][M2S ring 0 .. M2S ring q-1][buffers]
//   with ring_size buffers of buffer_size bytes per ring, in ring order.
//   Slot s of a ring always uses that ring's buffer s, so a buffer's
//   content survives until the client itself overwrites it: that is what
//   makes PrefillTx / SendPrefilled (write each frame once, then only post
//   descriptors) possible.
//
//   Handshake.  Connect() is synchronous and bounded by timeout_ms: HELLO
//   in; INIT, ADD_REGION (+memfd), ADD_RING per ring (+ a fresh eventfd),
//   CONNECT out, each waiting for its ACK (CONNECTED for CONNECT).  Like
//   DPDK's client it clamps the queue count and the ring size to what the
//   master announces in HELLO; Queues() and RingSize() report what was
//   agreed.  A DISCONNECT from the master at any point fails Connect() with
//   the master's reason in the error string.  On CONNECTED the client resets
//   every ring's head and tail to 0 (as DPDK's memif_connect does), masks
//   interrupts on the M2S rings it reads (it polls by default) and offers
//   the master every M2S buffer (head = ring size).
//
//   Interrupts.  After publishing S2M descriptors, Send kicks the ring's
//   eventfd once per call unless the master set MEMIF_RING_FLAG_MASK_INT.
//   WaitRx is the only place that clears the mask on an M2S ring: it
//   unmasks, re-checks the ring (the lost-wakeup guard), sleeps in poll()
//   and masks again.  Not every master fences between publishing frames
//   and reading the mask (DPDK's does not), so WaitRx also watches the ring
//   for a moment after unmasking and never sleeps more than 10 ms at once.
//   memif has no transmit-completion interrupt, so a sender whose S2M ring
//   is full must poll (TxPending() says how many slots the master holds).
//
//   Interop.  Buffer size is not part of the handshake: against DPDK's
//   net_memif, 'buffer_size' must equal the server's bsize (default 2048),
//   since DPDK copies a whole descriptor into one of its buffers.  DPDK
//   22.11's copy-mode transmit counts a chain's slots one short: when our
//   M2S ring has fewer free slots than a chain needs, it either publishes
//   past the offered head (Recv resynchronises, see Invariants) or writes
//   one slot past it and abandons the chain, which silently corrupts the
//   oldest unread frame.  Only chained frames are affected, and only when
//   the receiver falls behind.
//
// Invariants
//   - Ring indices are free-running uint16 counters; the client stores S2M
//     head and M2S head with release and loads S2M tail and M2S tail with
//     acquire, pairing with the master's opposite operations.
//   - A frame is published whole: a chain's descriptors become visible
//     with the one head store that ends the call.
//   - Recv reads each M2S descriptor once into a local copy and
//     bound-checks it against the region before touching the buffer; a bad
//     descriptor or an over-long chain is dropped and counted (rx_errors).
//     A master that fills more slots than were offered is resynchronised
//     (the ring's content is discarded, one rx_errors).
//   - Frames are 1..kMemifMaxFrame bytes and need at most RingSize() slots.
//
// Threads
//   Connect(), Close() and the destructor must not run concurrently with
//   anything else on the object.  For each queue q, the transmit side
//   (Send, PrefillTx, SendPrefilled, TxPending, KickTx) and the receive side
//   (Recv, WaitRx) touch disjoint state: one thread may drive q's transmit
//   side while another drives its receive side, and different queues may be
//   driven by different threads.  Connected(), DisconnectReason() and
//   Stats() may be called from any thread at any time.
//
// Errors
//   Connect() returns nullptr and sets '*err' to a message naming the
//   socket and the step that failed (and the master's reason, if it sent
//   one).  The data path never allocates, throws or logs; it returns
//   counts, and frames it refused are counted in Stats().
#ifndef MSWITCH_MEMIF_CLIENT_H_
#define MSWITCH_MEMIF_CLIENT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace msw {

namespace memif {
struct Ring;  // datapath/src/memif/protocol.h
}  // namespace memif

// Largest frame the client sends or accepts (memif's uint16 length world).
constexpr uint32_t kMemifMaxFrame = 65535;

struct MemifClientConfig {
  std::string socket;          // the master's socket path (or abstract name)
  bool abstract = false;       // connect to "\0" + socket instead of a file
  uint32_t id = 0;             // memif interface id the master knows us by
  std::string secret;          // at most 24 bytes; empty = none
  std::string name = "mswitch-client";  // our name in INIT/CONNECT, < 32 bytes
  uint32_t queues = 1;         // queue pairs (one S2M + one M2S ring each), 1..16
  uint32_t ring_size = 1024;   // slots per ring, a power of two, 2..16384
  uint32_t buffer_size = 2048; // bytes per buffer, 2048..65535
  int timeout_ms = 3000;       // bound on the whole handshake
};

// Per-queue counters.  Each field has one writer (the queue's transmit or
// receive thread); reads from other threads see whole values.
struct MemifClientStats {
  uint64_t tx_packets = 0;
  uint64_t tx_bytes = 0;
  uint64_t tx_invalid = 0;   // frames refused: length 0, > kMemifMaxFrame, or
                             // needing more slots than the ring has
  uint64_t tx_kicks = 0;     // eventfd writes to the master
  uint64_t rx_packets = 0;
  uint64_t rx_bytes = 0;
  uint64_t rx_errors = 0;    // descriptors out of the region, over-long or
                             // broken chains (dropped, never followed), and
                             // master overruns (one per resync)
  uint64_t rx_wakeups = 0;   // WaitRx calls that slept and were woken
};

class MemifClient {
 public:
  // Per-frame hook of SendPrefilled: 'buf' is the frame's first buffer
  // (holding what PrefillTx put there), 'i' the frame's index in the call.
  // It may rewrite bytes in place (a sequence number, addresses), nothing
  // else; it runs on the caller's thread, before the frame is published.
  using TxStamp = std::function<void(uint8_t* buf, uint32_t i)>;
  // Per-frame callback of Recv.  'data' is valid only during the call (it
  // points into shared memory, or into a scratch buffer for chains).
  using RxFn = std::function<void(const uint8_t* data, uint32_t len)>;
  // Per-slot callback of PrefillTx: write the frame template for S2M
  // slot 'slot' into 'buf' ('cap' = buffer size bytes).
  using PrefillFn = std::function<void(uint32_t slot, uint8_t* buf, uint32_t cap)>;

  // Connects and completes the handshake, or returns nullptr with '*err'
  // saying why ('err' may be null).
  static std::unique_ptr<MemifClient> Connect(const MemifClientConfig& cfg,
                                              std::string* err);

  // Sends DISCONNECT (if still connected), unmaps and closes everything.
  ~MemifClient();
  MemifClient(const MemifClient&) = delete;
  MemifClient& operator=(const MemifClient&) = delete;

  // Sends DISCONNECT with 'reason' and closes the control socket; the
  // memory stays mapped until destruction, data-path calls return 0.
  void Close(const std::string& reason = "client closed");

  // ---- Transmit (S2M) --------------------------------------------------

  // Copies frames[0..n) into free S2M buffers of queue 'q', chaining
  // buffers (MEMIF_DESC_FLAG_NEXT) for frames longer than BufferSize(),
  // publishes them with one head store and kicks the master unless it
  // masked interrupts.  Returns the number of frames consumed from the
  // array: queued, or refused as invalid (counted in tx_invalid).  Fewer
  // than 'n' means the ring is full: retry the rest later.
  uint32_t Send(uint32_t q, const uint8_t* const* frames, const uint32_t* lens,
                uint32_t n);

  // Calls 'fill' once per S2M slot of queue 'q' with that slot's buffer.
  // Send overwrites buffers, so mix Send and SendPrefilled on one queue
  // only if the caller re-prefills.
  void PrefillTx(uint32_t q, const PrefillFn& fill);

  // Fast path for generators: posts up to 'n' frames of 'len' bytes whose
  // content is already in the buffers (PrefillTx), without copying.  A
  // frame longer than BufferSize() takes consecutive slots, the first
  // holding its first bytes.  'stamp' (optional) runs once per frame.
  // Returns frames posted (fewer when the ring is full).
  uint32_t SendPrefilled(uint32_t q, uint32_t n, uint32_t len,
                         const TxStamp& stamp = nullptr);

  // Slots of queue 'q' that the master has not yet given back.
  uint32_t TxPending(uint32_t q) const;

  // Writes the S2M eventfd of queue 'q' regardless of the mask (for tests
  // that publish descriptors through the raw accessors).
  void KickTx(uint32_t q);

  // ---- Receive (M2S) ---------------------------------------------------

  // Takes up to 'max' frames from queue 'q', calls 'fn' for each (chains
  // gathered into a contiguous scratch buffer), then gives every consumed
  // buffer back to the master (refill, head advance).  Returns the frames
  // delivered to 'fn'.
  uint32_t Recv(uint32_t q, uint32_t max, const RxFn& fn);

  // Waits up to 'timeout_ms' (-1 = forever) for frames on queue 'q':
  // unmasks the ring's interrupts, re-checks it, poll()s its eventfd and the
  // control socket, masks again.  True when frames are ready; false on
  // timeout or when the master disconnected (then Connected() is false).
  bool WaitRx(uint32_t q, int timeout_ms);

  // The M2S interrupt eventfd of queue 'q' (readable after a kick while
  // unmasked), and the S2M one we kick.
  int RxFd(uint32_t q) const;
  int TxFd(uint32_t q) const;

  // ---- State -----------------------------------------------------------

  // False once the master disconnected us or closed the socket, or after
  // Close().  Reads pending control messages without blocking.
  bool Connected();
  // The master's DISCONNECT reason (or what happened to the socket), empty
  // while connected.
  std::string DisconnectReason() const;
  // The control socket, for callers that multiplex it with other fds.
  int ControlFd() const { return control_fd_; }
  // The master's name (from HELLO) and its interface name (CONNECTED).
  const std::string& PeerName() const { return peer_name_; }
  const std::string& PeerInterface() const { return peer_if_; }

  uint32_t Queues() const { return queues_; }
  uint32_t RingSize() const { return ring_size_; }
  uint32_t BufferSize() const { return buffer_size_; }
  MemifClientStats Stats(uint32_t q) const;

  // ---- Raw access, for tests that play a hostile client ------------------

  memif::Ring* S2mRing(uint32_t q);
  memif::Ring* M2sRing(uint32_t q);
  uint8_t* RegionBase() { return base_; }
  uint64_t RegionSize() const { return region_size_; }
  // Offset in the region of queue 'q''s buffer for 'slot' of its S2M
  // ('s2m') or M2S ring.
  uint32_t BufferOffset(uint32_t q, bool s2m, uint32_t slot) const;

 private:
  struct Queue;  // datapath/src/memif/client_queue.h

  MemifClient() = default;
  bool Setup(const MemifClientConfig& cfg, std::string* err);
  bool CreateRegion(std::string* err);
  bool Handshake(const MemifClientConfig& cfg, int64_t deadline_ms,
                 std::string* err);
  void ResetRingsOnConnected();
  void Refill(Queue* x, uint16_t from);
  bool ProcessControl();  // caller holds control_mu_; false once disconnected
  void MarkDisconnected(const std::string& reason);

  // Configuration as agreed with the master.
  std::string socket_label_;  // "/path" or "@name", for messages
  uint32_t queues_ = 0;
  uint32_t ring_size_ = 0;
  uint32_t log2_ring_size_ = 0;
  uint32_t buffer_size_ = 0;
  std::string peer_name_;
  std::string peer_if_;

  // Resources.
  int control_fd_ = -1;
  int region_fd_ = -1;
  uint8_t* base_ = nullptr;
  uint64_t region_size_ = 0;
  uint64_t buffers_offset_ = 0;
  std::vector<std::unique_ptr<Queue>> q_;

  // Connection state: written under control_mu_, 'connected_' readable
  // lock-free by the data path.
  std::atomic<bool> connected_{false};
  mutable std::mutex control_mu_;
  std::string disconnect_reason_;
};

}  // namespace msw

#endif  // MSWITCH_MEMIF_CLIENT_H_

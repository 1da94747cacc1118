// The switch fabric: forwards one input batch to its destinations
// (mSwitch paper, §3.3).  One Fabric per worker, holding that worker's
// scratchpad; nothing in it is shared, nothing is allocated per batch.
//
// mSwitch mode (the default)
//   Phase 1 hands the logic the batch a chunk of MSW_LOOKUP_BATCH_MAX frames
//   at a time: the chunk's heads are copied, its results zeroed, then one
//   lookup_batch call decides the whole chunk, then each answer is turned
//   into records (a logic without lookup_batch: one lookup per frame, its
//   answer turned into records at once, as before the ABI had batches).  A
//   chunk keeps heads, packets, results and the scratch the logic touched
//   in L1; a logic with lookup_batch can prefetch for all of them at once.
//   Phase 1 links each output record
//   into its destination's list (head/tail indices per destination, a
//   'next' index per record; FLOOD has its own list).  Only destinations
//   that got a record are remembered, in 'active_'.
//   Phase 2 visits only the active destinations (and, for the FLOOD list,
//   every port but the source).  For each it reserves ring slots under the
//   destination's lock, copies without it and commits (Port::TxReserve /
//   TxCopy / TxCommit), so several workers copy into one destination at
//   once.  Frames that find no room are dropped and counted (no-space).
//
// VALE mode (the reference)
//   Phase 1 only records each frame's destination; phase 2 visits every
//   port of the switch and scans the whole batch for frames to it, which
//   is what VALE did and what makes it slow with many ports (Figs. 10-11).
//
// The controller (MSW_PORT_CONTROLLER outputs)
//   An output to the controller must be a variant whose head starts with a
//   valid struct msw_to_controller (magic, hdr_len); anything else is
//   dropped in phase 1 (`bad-controller-output`, on the source port).  Its
//   records go to one more destination list, kCtlDst, delivered in phase 2
//   to the switch's ControllerQueue like to a port, never merged with the
//   flood list.  The record is cut to header + max_len frame bytes there
//   ('cap'), so the queue copies only what the agent will keep.
//
// A frame's first MSW_HEAD_BYTES are copied into the scratchpad before the
// logic runs: the logic decides on, and may rewrite, a private copy that a
// client cannot change under it; what goes out is that copy followed by
// the rest of the frame straight from the sender's buffers.
#ifndef MSWITCH_CORE_FABRIC_H_
#define MSWITCH_CORE_FABRIC_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "core/frame.h"
#include "core/port.h"
#include "mswitch/logic.h"

namespace msw {

class Switch;

class Fabric {
 public:
  static constexpr uint32_t kMaxBatch = 1024;

  Fabric(Switch* sw, uint32_t worker, uint32_t batch_size);

  // Forwards every frame of 'batch', received on 'src'.
  void Forward(Port& src, const RxBatch& batch, uint64_t now_ns);

 private:
  static constexpr uint32_t kNil = ~0u;
  static constexpr uint32_t kFloodDst = ~0u;
  static constexpr uint32_t kChunk = 256;  // frames per reservation
  static constexpr uint32_t kCtlDst = MSW_MAX_PORTS + 1;  // the controller queue

  // One frame (or one modified copy of it) bound for one destination.
  struct Record {
    uint32_t frame;     // index in the batch
    uint32_t dst;       // port number or kFloodDst
    uint32_t next;      // next record in the destination's list
    uint32_t head_len;
    uint32_t src_off;
    uint32_t cap;       // bytes this record produces at most (kNil: all)
    const uint8_t* head;
  };

  static constexpr uint32_t kLogicChunk = MSW_LOOKUP_BATCH_MAX;

  void Classify(Port& src, const RxBatch& batch, uint64_t now_ns);
  // Copies the heads of frames [base, base+n) and readies their packets
  // and zeroed results (slots 0..n of the chunk arrays).
  void PrepareChunk(const RxBatch& batch, uint32_t base, uint32_t n, uint32_t src_port,
                    uint64_t now_ns);
  // Turns the answer in chunk slot 'k' (frame 'frame') into records.
  void Dispatch(Port& src, uint32_t frame, uint32_t k, uint32_t frame_len, bool link);
  void ClassifyMulti(Port& src, uint32_t frame, const msw_result& res, const uint8_t* scratch,
                     const uint8_t* head, uint32_t head_len, uint32_t frame_len,
                     bool link);
  void ClassifyController(uint32_t frame, const msw_output& o, const uint8_t* scratch,
                          const uint8_t* head, uint32_t head_len, uint32_t frame_len,
                          bool link);
  // Copies a variant (scratch bytes, then the part of the head it does not
  // replace) into the arena; nullptr (counted) when it does not fit.
  const uint8_t* ArenaVariant(const msw_output& o, const uint8_t* scratch,
                              const uint8_t* head, uint32_t head_len, uint32_t* need);
  bool AddRecord(uint32_t frame, uint32_t dst, const uint8_t* head,
                 uint32_t head_len, uint32_t src_off, bool link,
                 uint32_t cap = kNil);
  bool CheckDest(Port& src, uint32_t dst, uint32_t flags);
  void DeliverLists(Port& src, const RxBatch& batch);
  void DeliverVale(Port& src, const RxBatch& batch);
  // Sends the records 'recs[0..n)' to 'dst' in chunks.
  // 'full' is the reason frames that find no room are counted under.
  void Deliver(Port& dst, const uint32_t* recs, uint32_t n, const RxBatch& batch,
               DropReason full = kNoSpace);
  void DeliverController(const RxBatch& batch);
  void Reset();

  Switch* const sw_;
  const uint32_t worker_;
  const uint32_t batch_size_;
  PortCounters* src_ctr_ = nullptr;

  std::unique_ptr<uint8_t[]> heads_;       // batch_size x MSW_HEAD_BYTES
  std::vector<Record> recs_;               // up to 4 x batch_size
  uint32_t n_recs_ = 0;
  std::unique_ptr<uint8_t[]> arena_;       // variant bytes of MULTI outputs
  uint32_t arena_used_ = 0;
  uint32_t arena_size_ = 0;
  std::vector<uint32_t> dst_head_, dst_tail_;  // by port number
  std::vector<uint32_t> active_;
  uint32_t flood_head_ = kNil, flood_tail_ = kNil;
  std::vector<uint32_t> gather_;           // record indices for one dest
  std::vector<FrameView> views_;
  std::vector<uint32_t> slots_;
  // One chunk of phase 1: the logic's view of each frame and its answer.
  // 'scratch_' is MSW_SCRATCH_BYTES per slot; only what a logic writes of
  // it is ever touched.  Variants are read from the fabric's own slot
  // pointer, never from what a logic left in msw_result::scratch.
  msw_packet pkts_[kLogicChunk];
  msw_result results_[kLogicChunk];
  msw_packet* pkt_ptrs_[kLogicChunk];
  msw_result* result_ptrs_[kLogicChunk];
  std::unique_ptr<uint8_t[]> scratch_;
};

}  // namespace msw

#endif  // MSWITCH_CORE_FABRIC_H_

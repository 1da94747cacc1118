// The fabric's two phases; see fabric.h for the algorithm.
#include "core/fabric.h"

#include <algorithm>
#include <cstring>

#include "core/controller_queue.h"
#include "core/switch.h"

namespace msw {

namespace {
constexpr uint32_t kRecordsPerFrame = 4;     // room for MULTI fan-out
constexpr uint32_t kArenaPerFrame = 512;     // variant bytes per frame, on average
}  // namespace

Fabric::Fabric(Switch* sw, uint32_t worker, uint32_t batch_size)
    : sw_(sw),
      worker_(worker),
      batch_size_(std::min(batch_size, kMaxBatch)),
      heads_(new uint8_t[size_t{kMaxBatch} * MSW_HEAD_BYTES]),
      recs_(kMaxBatch * kRecordsPerFrame),
      arena_(new uint8_t[size_t{kMaxBatch} * kArenaPerFrame]),
      arena_size_(kMaxBatch * kArenaPerFrame),
      dst_head_(kCtlDst + 1, kNil),
      dst_tail_(kCtlDst + 1, kNil),
      gather_(kMaxBatch * kRecordsPerFrame),
      views_(kChunk),
      slots_(kChunk),
      scratch_(new uint8_t[size_t{kLogicChunk} * MSW_SCRATCH_BYTES]) {
  active_.reserve(kCtlDst + 1);
  for (uint32_t k = 0; k < kLogicChunk; k++) {
    pkt_ptrs_[k] = &pkts_[k];
    result_ptrs_[k] = &results_[k];
  }
}

void Fabric::Forward(Port& src, const RxBatch& batch, uint64_t now_ns) {
  src_ctr_ = &src.counters(worker_);
  Classify(src, batch, now_ns);
  if (sw_->mode() == FabricMode::kVale)
    DeliverVale(src, batch);
  else
    DeliverLists(src, batch);
  Reset();
}

// Phase 1, a chunk at a time: heads copied, the logic asked (one call per
// chunk when it has lookup_batch), every answer turned into records.
void Fabric::Classify(Port& src, const RxBatch& batch, uint64_t now_ns) {
  LogicInstance* li = sw_->logic();
  const bool link = sw_->mode() == FabricMode::kMSwitch;
  for (uint32_t base = 0; base < batch.n_frames; base += kLogicChunk) {
    const uint32_t n = std::min(batch.n_frames - base, kLogicChunk);
    PrepareChunk(batch, base, n, src.index(), now_ns);
    if (li->lookup_batch) {
      li->lookup_batch(li->instance, pkt_ptrs_, result_ptrs_, n);
      for (uint32_t k = 0; k < n; k++)
        Dispatch(src, base + k, k, batch.frames[base + k].len, link);
      continue;
    }
    // One at a time, each answer checked right after its look-up: a
    // destination that goes away later in the batch is then counted when
    // phase 2 finds it gone (bad-dest), as before lookup_batch existed.
    for (uint32_t k = 0; k < n; k++) {
      li->ops->lookup(li->instance, &pkts_[k], &results_[k]);
      Dispatch(src, base + k, k, batch.frames[base + k].len, link);
    }
  }
}

void Fabric::PrepareChunk(const RxBatch& batch, uint32_t base, uint32_t n, uint32_t src_port,
                          uint64_t now_ns) {
  for (uint32_t k = 0; k < n; k++) {
    const RxFrame& f = batch.frames[base + k];
    uint8_t* head = heads_.get() + size_t{base + k} * MSW_HEAD_BYTES;
    const uint32_t head_len = std::min<uint32_t>(f.len, MSW_HEAD_BYTES);
    GatherPrefix(batch.segs + f.first_seg, f.nsegs, head, head_len);
    msw_packet& pkt = pkts_[k];
    pkt.data = head;
    pkt.head_len = head_len;
    pkt.len = f.len;
    pkt.src_port = src_port;
    pkt.worker = worker_;
    pkt.now_ns = now_ns;
    // The ABI promises a zeroed result but for 'scratch': a logic may set
    // only what it needs, so nothing of the last answer may leak through.
    msw_result& res = results_[k];
    res.verdict = MSW_VERDICT_DROP;
    res.port = 0;
    res.n_outputs = 0;
    res.flags = 0;
    std::memset(res.outputs, 0, sizeof res.outputs);
    res.scratch = scratch_.get() + size_t{k} * MSW_SCRATCH_BYTES;
  }
}

void Fabric::Dispatch(Port& src, uint32_t frame, uint32_t k, uint32_t frame_len, bool link) {
  const msw_result& res = results_[k];
  const uint8_t* head = heads_.get() + size_t{frame} * MSW_HEAD_BYTES;
  const uint32_t head_len = std::min<uint32_t>(frame_len, MSW_HEAD_BYTES);
  switch (res.verdict) {
    case MSW_VERDICT_UNICAST:
      if (res.port == MSW_PORT_CONTROLLER)
        src_ctr_->Drop(kBadControllerOutput);  // needs a MULTI variant with a header
      else if (CheckDest(src, res.port, res.flags))
        AddRecord(frame, res.port, head, head_len, head_len, link);
      break;
    case MSW_VERDICT_FLOOD:
      AddRecord(frame, kFloodDst, head, head_len, head_len, link);
      break;
    case MSW_VERDICT_MULTI:
      ClassifyMulti(src, frame, res, scratch_.get() + size_t{k} * MSW_SCRATCH_BYTES, head,
                    head_len, frame_len, link);
      break;
    default:
      src_ctr_->Drop(kLogicDrop);
      break;
  }
}

// A MULTI answer: each output becomes its own record.  A variant's bytes
// are copied out of the per-lookup scratch into the batch's arena, followed
// by whatever part of the private head copy it does not replace, so every
// record is still "some head bytes, then the source from an offset".
void Fabric::ClassifyMulti(Port& src, uint32_t frame, const msw_result& res,
                           const uint8_t* scratch, const uint8_t* head, uint32_t head_len,
                           uint32_t frame_len, bool link) {
  const uint32_t n = std::min<uint32_t>(res.n_outputs, MSW_MAX_OUTPUTS);
  if (n == 0) src_ctr_->Drop(kLogicDrop);
  for (uint32_t k = 0; k < n; k++) {
    const msw_output& o = res.outputs[k];
    if (o.port == MSW_PORT_CONTROLLER) {
      ClassifyController(frame, o, scratch, head, head_len, frame_len, link);
      continue;
    }
    uint32_t dst = kFloodDst;
    if (o.port != MSW_PORT_FLOOD) {
      if (!CheckDest(src, o.port, o.flags)) continue;
      dst = o.port;
    }
    if (!(o.flags & MSW_OUT_VARIANT)) {
      AddRecord(frame, dst, head, head_len, head_len, link);
      continue;
    }
    if (uint32_t{o.head_off} + o.head_len > MSW_SCRATCH_BYTES || o.strip > frame_len) {
      src_ctr_->Drop(kLogicDrop);  // a logic bug: never follow it
      continue;
    }
    const uint32_t extra = o.strip < head_len ? head_len - o.strip : 0;
    const uint32_t need = o.head_len + extra;
    const uint32_t src_off = std::max<uint32_t>(o.strip, head_len);
    const uint32_t out_len = FrameView::Length(need, frame_len, src_off);
    if (out_len == 0 || out_len > kMaxFrameLen) {
      src_ctr_->Drop(out_len ? kTooLong : kLogicDrop);  // nothing to send, or too much
      continue;
    }
    uint32_t need_len;
    const uint8_t* p = ArenaVariant(o, scratch, head, head_len, &need_len);
    if (p) AddRecord(frame, dst, p, need_len, src_off, link);
  }
}

const uint8_t* Fabric::ArenaVariant(const msw_output& o, const uint8_t* scratch,
                                    const uint8_t* head, uint32_t head_len, uint32_t* need) {
  const uint32_t extra = o.strip < head_len ? head_len - o.strip : 0;
  *need = o.head_len + extra;
  if (arena_used_ + *need > arena_size_) {
    src_ctr_->Drop(kNoVariantSpace);
    return nullptr;
  }
  uint8_t* p = arena_.get() + arena_used_;
  std::memcpy(p, scratch + o.head_off, o.head_len);
  std::memcpy(p + o.head_len, head + o.strip, extra);
  arena_used_ += *need;
  return p;
}

// An output to MSW_PORT_CONTROLLER: a variant whose first bytes are a
// struct msw_to_controller the logic filled in (logic.h).  Only its magic
// and length are checked here: the rest is the agent's to interpret.  The
// record is capped at header + max_len frame bytes (0xffff: no cap).
void Fabric::ClassifyController(uint32_t frame, const msw_output& o, const uint8_t* scratch,
                                const uint8_t* head, uint32_t head_len, uint32_t frame_len,
                                bool link) {
  constexpr uint32_t kHdr = sizeof(msw_to_controller);
  msw_to_controller hdr;
  if (!(o.flags & MSW_OUT_VARIANT) || o.head_len < kHdr ||
      uint32_t{o.head_off} + o.head_len > MSW_SCRATCH_BYTES || o.strip > frame_len) {
    src_ctr_->Drop(kBadControllerOutput);
    return;
  }
  std::memcpy(&hdr, scratch + o.head_off, kHdr);
  if (hdr.magic != MSW_TO_CONTROLLER_MAGIC || hdr.hdr_len != kHdr) {
    src_ctr_->Drop(kBadControllerOutput);
    return;
  }
  const uint32_t extra = o.strip < head_len ? head_len - o.strip : 0;
  const uint32_t src_off = std::max<uint32_t>(o.strip, head_len);
  const uint32_t out_len = FrameView::Length(o.head_len + extra, frame_len, src_off);
  const uint32_t pkt_len = out_len - kHdr;
  if (pkt_len > kMaxFrameLen) {
    src_ctr_->Drop(kTooLong);
    return;
  }
  const uint32_t keep = hdr.max_len == 0xffff ? pkt_len : std::min<uint32_t>(pkt_len, hdr.max_len);
  uint32_t need;
  const uint8_t* p = ArenaVariant(o, scratch, head, head_len, &need);
  if (p) AddRecord(frame, kCtlDst, p, need, src_off, link, kHdr + keep);
}

// MSW_PORT_CONTROLLER never gets here: it is only valid as a MULTI
// variant (ClassifyController), so a UNICAST to it is caught in Classify.
bool Fabric::CheckDest(Port& src, uint32_t dst, uint32_t flags) {
  if (dst == 0 || dst > MSW_MAX_PORTS || sw_->port(dst) == nullptr) {
    src_ctr_->Drop(dst <= MSW_MAX_PORTS && sw_->reserved(dst) ? kPortDown : kBadDest);
    return false;
  }
  if (dst == src.index() && !(flags & MSW_OUT_ALLOW_IN_PORT)) {
    src_ctr_->Drop(kHairpin);
    return false;
  }
  return true;
}

bool Fabric::AddRecord(uint32_t frame, uint32_t dst, const uint8_t* head,
                       uint32_t head_len, uint32_t src_off, bool link, uint32_t cap) {
  if (n_recs_ == recs_.size()) {
    src_ctr_->Drop(kNoVariantSpace);
    return false;
  }
  const uint32_t r = n_recs_++;
  recs_[r] = Record{frame, dst, kNil, head_len, src_off, cap, head};
  if (!link) return true;
  uint32_t& h = dst == kFloodDst ? flood_head_ : dst_head_[dst];
  uint32_t& t = dst == kFloodDst ? flood_tail_ : dst_tail_[dst];
  if (h == kNil) {
    h = r;
    if (dst != kFloodDst) active_.push_back(dst);
  } else {
    recs_[t].next = r;
  }
  t = r;
  return true;
}

// Phase 2, mSwitch: only the destinations that received something.  An
// active destination gets its own list merged with the flood list by
// record index (as netmap's nm_bdg_flush merges its unicast and broadcast
// queues), so it receives the batch's frames in batch order; the ports
// with no list of their own then get the flood list alone.
void Fabric::DeliverLists(Port& src, const RxBatch& batch) {
  uint32_t* g = gather_.data();
  for (uint32_t dst : active_) {
    if (dst == kCtlDst) {
      DeliverController(batch);
      continue;
    }
    uint32_t n = 0, own = 0;
    uint32_t a = dst_head_[dst], b = dst == src.index() ? kNil : flood_head_;
    while (a != kNil || b != kNil) {
      if (b == kNil || (a != kNil && a < b)) {
        g[n++] = a;
        a = recs_[a].next;
        own++;
      } else {
        g[n++] = b;
        b = recs_[b].next;
      }
    }
    Port* p = sw_->port(dst);
    if (p) Deliver(*p, g, n, batch);
    else src_ctr_->Drop(kBadDest, own);  // removed since phase 1
  }
  if (flood_head_ == kNil) return;
  uint32_t n = 0;
  for (uint32_t r = flood_head_; r != kNil; r = recs_[r].next) g[n++] = r;
  const Switch::PortList* list = sw_->port_list();
  for (uint32_t k = 0; list && k < list->n; k++) {
    const uint32_t dst = list->index[k];
    if (dst == src.index() || dst_head_[dst] != kNil) continue;  // done above
    Port* p = sw_->port(dst);
    if (p) Deliver(*p, g, n, batch);
  }
}

// Phase 2, VALE: every port, and for each a scan of the whole batch.
// Unicast records whose port left the switch since phase 1 match no port
// scanned: they are counted as bad-dest, as in mSwitch mode.
void Fabric::DeliverVale(Port& src, const RxBatch& batch) {
  uint32_t* g = gather_.data();
  uint32_t unicast = 0, reached = 0;
  for (uint32_t r = 0; r < n_recs_; r++)
    unicast += recs_[r].dst != kFloodDst && recs_[r].dst != kCtlDst;
  const Switch::PortList* list = sw_->port_list();
  for (uint32_t k = 0; list && k < list->n; k++) {
    const uint32_t dst = list->index[k];
    const bool is_src = dst == src.index();
    uint32_t n = 0, own = 0;
    for (uint32_t r = 0; r < n_recs_; r++) {
      const uint32_t d = recs_[r].dst;
      if (d == dst) own++;
      if (d == dst || (d == kFloodDst && !is_src)) g[n++] = r;
    }
    if (n == 0) continue;
    Port* p = sw_->port(dst);
    if (!p) continue;
    Deliver(*p, g, n, batch);
    reached += own;
  }
  if (reached < unicast) src_ctr_->Drop(kBadDest, unicast - reached);
  DeliverController(batch);
}

// The controller queue's records: its own list when phase 1 linked lists
// (mSwitch mode), else a scan of the batch (VALE mode links none).
void Fabric::DeliverController(const RxBatch& batch) {
  uint32_t* g = gather_.data();
  uint32_t n = 0;
  if (dst_head_[kCtlDst] == kNil) {
    for (uint32_t r = 0; r < n_recs_; r++)
      if (recs_[r].dst == kCtlDst) g[n++] = r;
  } else {
    for (uint32_t r = dst_head_[kCtlDst]; r != kNil; r = recs_[r].next) g[n++] = r;
  }
  if (n) Deliver(*sw_->controller_queue(), g, n, batch, kControllerQueue);
}

void Fabric::Deliver(Port& dst, const uint32_t* recs, uint32_t n, const RxBatch& batch,
                     DropReason full) {
  PortCounters& ctr = dst.counters(worker_);
  if (!dst.up()) {
    ctr.Drop(kPortDown, n);
    return;
  }
  const uint32_t q = worker_ % std::max<uint32_t>(1, dst.num_tx_queues());
  for (uint32_t done = 0; done < n;) {
    const uint32_t m = std::min(n - done, kChunk);
    uint32_t cum = 0;
    for (uint32_t k = 0; k < m; k++) {
      const Record& r = recs_[recs[done + k]];
      const RxFrame& f = batch.frames[r.frame];
      FrameView& v = views_[k];
      v.head = r.head;
      v.head_len = r.head_len;
      v.segs = batch.segs + f.first_seg;
      v.nsegs = f.nsegs;
      v.src_off = r.src_off;
      v.len = std::min(FrameView::Length(r.head_len, f.len, r.src_off), r.cap);
      cum += dst.TxSlotsFor(v.len);
      slots_[k] = cum;
    }
    TxLease lease;
    const uint32_t fit = dst.TxReserve(q, slots_.data(), m, lease);
    if (fit) {
      dst.TxCopy(lease, views_.data(), fit, ctr);
      dst.TxCommit(lease);
    }
    if (fit < m) {
      // The ring is full: the rest of this destination's list is dropped.
      ctr.Drop(full, n - done - fit);
      return;
    }
    done += m;
  }
}

void Fabric::Reset() {
  for (uint32_t dst : active_) dst_head_[dst] = dst_tail_[dst] = kNil;
  active_.clear();
  flood_head_ = flood_tail_ = kNil;
  n_recs_ = 0;
  arena_used_ = 0;
}

}  // namespace msw

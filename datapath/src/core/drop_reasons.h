// Every reason the datapath drops a frame, in one list (the VPP way): the
// enum, the names users see (metric labels, `mswitch dump-ports`) and the
// help text all come from MSW_DROP_REASONS, so they cannot drift apart.
// A drop is counted on the port it concerns: receive-side reasons on the
// source port, transmit-side reasons on the destination port.  The
// controller queue (controller_queue.h) is a destination with counters of
// its own: `controller-queue` drops are counted there, not on any port.
#ifndef MSWITCH_CORE_DROP_REASONS_H_
#define MSWITCH_CORE_DROP_REASONS_H_

#include <cstdint>

namespace msw {

#define MSW_DROP_REASONS(X)                                                   \
  X(kLogicDrop, "logic-drop", "the switching logic dropped the frame")        \
  X(kBadDest, "bad-dest", "the logic named a port that does not exist")       \
  X(kHairpin, "hairpin", "the logic sent a frame back to its source port")    \
  X(kNoSpace, "no-space", "the destination ring had no free slot")            \
  X(kPortDown, "port-down", "the destination port has no client connected")   \
  X(kBadRing, "bad-ring", "a client moved a ring index out of range")       \
  X(kBadRegion, "bad-region", "a descriptor named an unregistered region")    \
  X(kBadOffset, "bad-offset", "a descriptor pointed outside its region")      \
  X(kBadLength, "bad-length", "a descriptor length was zero or too large")    \
  X(kBadChain, "bad-chain", "a chain was truncated or had too many buffers")  \
  X(kTooLong, "too-long", "a frame exceeded the 65535-byte limit")            \
  X(kTxBadDesc, "tx-bad-desc", "a receive buffer offered by a client was bad") \
  X(kNoVariantSpace, "no-variant-space", "too many modified copies in a batch") \
  X(kBadControllerOutput, "bad-controller-output",                            \
    "the logic sent to the controller without a valid msw_to_controller head") \
  X(kControllerQueue, "controller-queue", "the controller queue was full")  \
  X(kOffloadUnsupported, "offload-unsupported",                              \
    "a Linux interface handed over a segmentation-offload super-frame the port cannot segment")

enum DropReason : uint32_t {
#define MSW_DROP_ENUM(id, name, help) id,
  MSW_DROP_REASONS(MSW_DROP_ENUM)
#undef MSW_DROP_ENUM
  kNumDropReasons
};

inline const char* DropReasonName(uint32_t r) {
  static const char* const kNames[] = {
#define MSW_DROP_NAME(id, name, help) name,
      MSW_DROP_REASONS(MSW_DROP_NAME)
#undef MSW_DROP_NAME
  };
  return r < kNumDropReasons ? kNames[r] : "unknown";
}

inline const char* DropReasonHelp(uint32_t r) {
  static const char* const kHelp[] = {
#define MSW_DROP_HELP(id, name, help) help,
      MSW_DROP_REASONS(MSW_DROP_HELP)
#undef MSW_DROP_HELP
  };
  return r < kNumDropReasons ? kHelp[r] : "unknown";
}

}  // namespace msw

#endif  // MSWITCH_CORE_DROP_REASONS_H_

// XskRedirect: see xdp_prog.h for the design.
#include "ports/xdp_prog.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

namespace msw {

namespace {

// One eBPF instruction (linux/bpf.h's struct bpf_insn, field by field).
bpf_insn Insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn i;
  std::memset(&i, 0, sizeof i);
  i.code = code;
  i.dst_reg = dst & 0xf;
  i.src_reg = src & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}

// r1 = ctx (struct xdp_md *) on entry; r0 = the verdict on exit.
//   r2 = ctx->rx_queue_index            (32-bit load from the context)
//   r1 = &map                           (ld_imm64 with BPF_PSEUDO_MAP_FD:
//                                        the loader turns the fd into the
//                                        map's address; the second half of
//                                        the 16-byte instruction is zero)
//   r3 = XDP_PASS                       (flags: the action when the map has
//                                        no socket for this queue)
//   call bpf_redirect_map               (helper 51; r0 = XDP_REDIRECT or r3)
//   exit
constexpr uint32_t kProgLen = 6;
void BuildProgram(int map_fd, bpf_insn* out) {
  out[0] = Insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1,
                int16_t(offsetof(struct xdp_md, rx_queue_index)), 0);
  out[1] = Insn(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map_fd);
  out[2] = Insn(0, 0, 0, 0, 0);
  out[3] = Insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, XDP_PASS);
  out[4] = Insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_redirect_map);
  out[5] = Insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

// libbpf's low-level calls return -errno (and set errno); keep both paths.
int Err(int rc) { return rc < 0 ? -rc : (errno ? errno : EIO); }

}  // namespace

const char* XdpModeName(XdpMode m) { return m == XdpMode::kNative ? "native" : "generic"; }

XskRedirect::~XskRedirect() {
  if (link_fd_ >= 0) close(link_fd_);
  if (prog_fd_ >= 0) close(prog_fd_);
  if (map_fd_ >= 0) close(map_fd_);
}

std::unique_ptr<XskRedirect> XskRedirect::Attach(int ifindex, const std::string& ifname,
                                                 uint32_t n_queues, XdpModeRequest req,
                                                 Status* status) {
  std::unique_ptr<XskRedirect> r(new XskRedirect());
  r->ifname_ = ifname;
  r->n_queues_ = n_queues;
  auto fail = [&](int code, const std::string& what) {
    if (status)
      *status = Status::Error(code, "afxdp " + ifname + ": " + what + ": " + std::strerror(code));
    return nullptr;
  };

  int fd = bpf_map_create(BPF_MAP_TYPE_XSKMAP, "msw_xsks", sizeof(uint32_t), sizeof(uint32_t),
                          n_queues, nullptr);
  if (fd < 0) return fail(Err(fd), "creating the XSKMAP");
  r->map_fd_ = fd;

  bpf_insn prog[kProgLen];
  BuildProgram(r->map_fd_, prog);
  char log[4096] = {0};
  bpf_prog_load_opts opts;
  std::memset(&opts, 0, sizeof opts);
  opts.sz = sizeof opts;
  opts.expected_attach_type = BPF_XDP;
  opts.log_buf = log;
  opts.log_size = sizeof log;
  opts.log_level = 1;
  fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "msw_xsk_redir", "Dual BSD/GPL", prog, kProgLen, &opts);
  if (fd < 0) {
    const int e = Err(fd);
    return fail(e, std::string("loading the XDP program (verifier: ") + log + ")");
  }
  r->prog_fd_ = fd;

  // Native first (when allowed), then generic.
  bpf_link_create_opts lopts;
  std::memset(&lopts, 0, sizeof lopts);
  lopts.sz = sizeof lopts;
  if (req != XdpModeRequest::kGeneric) {
    lopts.flags = XDP_FLAGS_DRV_MODE;
    fd = bpf_link_create(r->prog_fd_, ifindex, BPF_XDP, &lopts);
    if (fd >= 0) {
      r->link_fd_ = fd;
      r->mode_ = XdpMode::kNative;
    } else {
      const int e = Err(fd);
      r->native_refusal_ = std::strerror(e);
      if (req == XdpModeRequest::kNative || e == EBUSY || e == EPERM)
        return fail(e, "attaching the XDP program in native mode");
    }
  }
  if (r->link_fd_ < 0) {
    lopts.flags = XDP_FLAGS_SKB_MODE;
    fd = bpf_link_create(r->prog_fd_, ifindex, BPF_XDP, &lopts);
    if (fd < 0) return fail(Err(fd), "attaching the XDP program in generic mode");
    r->link_fd_ = fd;
    r->mode_ = XdpMode::kGeneric;
  }
  if (status) *status = Status::Ok();
  return r;
}

Status XskRedirect::SetSocket(uint32_t queue, int xsk_fd) {
  if (queue >= n_queues_)
    return Status::Error(EINVAL, "afxdp " + ifname_ + ": queue " + std::to_string(queue) +
                                     " is beyond the map's " + std::to_string(n_queues_));
  const uint32_t key = queue;
  const uint32_t val = uint32_t(xsk_fd);
  const int rc = bpf_map_update_elem(map_fd_, &key, &val, BPF_ANY);
  if (rc < 0) {
    const int e = Err(rc);
    return Status::Error(e, "afxdp " + ifname_ + ": steering queue " + std::to_string(queue) +
                                " to its socket: " + std::strerror(e));
  }
  return Status::Ok();
}

}  // namespace msw

// mswitch-hostile-client: a memif client that misbehaves on purpose, for
// the switch's hostile-client tests (test/datapath/hostile-client.test.ts).
// The design is in hostile.h; this file holds the options, the Rig every
// attack runs on, the run itself and the JSON summary.
//
// Usage: mswitch-hostile-client -i SOCKET --attack NAME [-T S] [-n ROUNDS]
//   NAME: bad-region bad-offset bad-length loop-chain long-chain head-jump
//         rewrite tx-bad-buffers all
// It connects, withdraws its M2S buffers, fills its S2M buffers with the
// pattern, prints "ready <attack>" on stdout, attacks, waits for the switch
// to give back every slot, and prints a one-line JSON summary last.  With
// --hold it then stays connected (idle) until a signal or the hold time
// ends, so a test can check its port, still up, against the summary.
//
// Exit codes: 0 done, 1 cannot connect, 2 bad usage, 3 the switch
// disconnected us (the summary is still printed).
#include <getopt.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "hostile.h"

namespace msw {
namespace hostile {

const char* const kAttacks[] = {"bad-region", "bad-offset", "bad-length", "loop-chain",
                                "long-chain", "head-jump",  "rewrite",    "tx-bad-buffers"};
const size_t kNumAttacks = sizeof(kAttacks) / sizeof(kAttacks[0]);

namespace {

volatile sig_atomic_t g_signalled = 0;
void OnSignal(int) { g_signalled = 1; }

const char kUsage[] =
    "usage: mswitch-hostile-client -i SOCKET --attack NAME [options]\n"
    "  --attack NAME      bad-region | bad-offset | bad-length | loop-chain |\n"
    "                     long-chain | head-jump | rewrite | tx-bad-buffers | all\n"
    "  -i PATH            the switch's memif socket (--abstract: abstract name)\n"
    "  --abstract         connect to the abstract socket \"\\0\"PATH\n"
    "  --id N             memif interface id (0)\n"
    "  --secret S         memif secret (none)\n"
    "  -T SECONDS         run time ('all': shared between the attacks)\n"
    "  -n ROUNDS          rounds per attack (with -T: whichever ends first)\n"
    "  --pause US         pause between rounds in microseconds (1000)\n"
    "  --ring-size N      slots per ring, power of two, >= 128 (256)\n"
    "  --buffer-size N    bytes per buffer, multiple of 64 (2048)\n"
    "  --seed N           random seed for rewrite (1)\n"
    "  --hold SECONDS     stay connected after the summary until a signal (0)\n";

bool ParseU64(const char* s, uint64_t lo, uint64_t hi, uint64_t* out) {
  char* end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (end == s || *end || errno || v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool ParseSeconds(const char* s, double* out) {
  char* end;
  *out = strtod(s, &end);
  return end != s && !*end && *out >= 0 && *out < 1e6;
}

bool ParseArgs(int argc, char** argv, Options* o, std::string* err) {
  enum { kAttack = 256, kAbstract, kId, kSecret, kPause, kRingSize, kBufferSize, kSeed, kHold };
  static const option kLong[] = {
      {"attack", required_argument, nullptr, kAttack},
      {"abstract", no_argument, nullptr, kAbstract},
      {"id", required_argument, nullptr, kId},
      {"secret", required_argument, nullptr, kSecret},
      {"pause", required_argument, nullptr, kPause},
      {"ring-size", required_argument, nullptr, kRingSize},
      {"buffer-size", required_argument, nullptr, kBufferSize},
      {"seed", required_argument, nullptr, kSeed},
      {"hold", required_argument, nullptr, kHold},
      {"help", no_argument, nullptr, 'h'},
      {nullptr, 0, nullptr, 0}};
  o->memif.name = "mswitch-hostile";
  o->memif.ring_size = 256;
  o->memif.buffer_size = 2048;
  int c;
  uint64_t v = 0;
  while ((c = getopt_long(argc, argv, "i:T:n:h", kLong, nullptr)) != -1) {
    bool ok = true;
    switch (c) {
      case 'i': o->memif.socket = optarg; break;
      case kAttack: o->attack = optarg; break;
      case kAbstract: o->memif.abstract = true; break;
      case kSecret: o->memif.secret = optarg; break;
      case kId:
        if ((ok = ParseU64(optarg, 0, UINT32_MAX, &v))) o->memif.id = static_cast<uint32_t>(v);
        break;
      case 'T': ok = ParseSeconds(optarg, &o->duration) && o->duration > 0; break;
      case kHold: ok = ParseSeconds(optarg, &o->hold); break;
      case 'n': ok = ParseU64(optarg, 1, UINT64_MAX, &o->rounds); break;
      case kPause:
        if ((ok = ParseU64(optarg, 0, 1000000, &v))) o->pause_us = static_cast<uint32_t>(v);
        break;
      case kRingSize:
        ok = ParseU64(optarg, 128, 1u << memif::kMaxLog2RingSize, &v) && (v & (v - 1)) == 0;
        if (ok) o->memif.ring_size = static_cast<uint32_t>(v);
        break;
      case kBufferSize:
        ok = ParseU64(optarg, 2048, 65535, &v) && v % 64 == 0;
        if (ok) o->memif.buffer_size = static_cast<uint32_t>(v);
        break;
      case kSeed: ok = ParseU64(optarg, 1, UINT64_MAX, &o->seed); break;
      case 'h': fputs(kUsage, stdout); exit(0);
      default: *err = "bad option"; return false;
    }
    if (!ok) {
      *err = std::string("bad value '") + (optarg ? optarg : "") + "'";
      return false;
    }
  }
  if (optind < argc) {
    *err = std::string("unexpected argument '") + argv[optind] + "'";
    return false;
  }
  if (o->memif.socket.empty()) {
    *err = "no socket given (-i PATH)";
    return false;
  }
  bool known = o->attack == "all";
  for (size_t i = 0; i < kNumAttacks; i++) known = known || o->attack == kAttacks[i];
  if (!known) {
    *err = "unknown attack '" + o->attack + "'";
    return false;
  }
  if (o->duration == 0 && o->rounds == 0) o->rounds = 100;
  return true;
}

void (*AttackFn(const std::string& name))(Rig*, Counts*) {
  if (name == "bad-region") return BadRegion;
  if (name == "bad-offset") return BadOffset;
  if (name == "bad-length") return BadLength;
  if (name == "loop-chain") return LoopChain;
  if (name == "long-chain") return LongChain;
  if (name == "head-jump") return HeadJump;
  if (name == "rewrite") return Rewrite;
  return TxBadBuffers;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (static_cast<unsigned char>(ch) < 0x20) ch = ' ';
    out += ch;
  }
  return out + "\"";
}

std::string JsonCounts(const Counts& n) {
  std::string frames;
  for (const auto& kv : n.frames) {
    frames += (frames.empty() ? "" : ",") + JsonString(kv.first) + ":" + std::to_string(kv.second);
  }
  char buf[1024];
  snprintf(buf, sizeof(buf),
           "{\"rounds\":%" PRIu64 ",\"frames\":{%s},\"valid\":%" PRIu64 ",\"racy\":%" PRIu64
           ",\"rewrites\":%" PRIu64 ",\"ring_jumps\":%" PRIu64 ",\"tx_bad_offered\":%" PRIu64
           ",\"tx_bad_taken\":%" PRIu64 ",\"undrained\":%" PRIu64 "}",
           n.rounds, frames.c_str(), n.valid, n.racy, n.rewrites, n.ring_jumps,
           n.tx_bad_offered, n.tx_bad_taken, n.undrained);
  return buf;
}

}  // namespace

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

void Counts::Merge(const Counts& o) {
  rounds += o.rounds;
  for (const auto& kv : o.frames) frames[kv.first] += kv.second;
  valid += o.valid;
  racy += o.racy;
  rewrites += o.rewrites;
  ring_jumps += o.ring_jumps;
  tx_bad_offered += o.tx_bad_offered;
  tx_bad_taken += o.tx_bad_taken;
  undrained += o.undrained;
}

// ---- Rig ----

Rig::Rig(MemifClient* c, const Options& o, double seconds)
    : c_(c), o_(o), s2m_(c->S2mRing(0)), m2s_(c->M2sRing(0)),
      end_ns_(seconds > 0 ? NowNs() + static_cast<int64_t>(seconds * 1e9) : INT64_MAX),
      rng_(o.seed * 0x9E3779B97F4A7C15ull | 1) {}

bool Rig::More(const Counts& n) {
  if (g_signalled || n.undrained) return false;
  if (o_.rounds && n.rounds >= o_.rounds) return false;
  if (NowNs() >= end_ns_) return false;
  return c_->Connected();
}

uint64_t Rig::Random() {
  rng_ ^= rng_ >> 12;
  rng_ ^= rng_ << 25;
  rng_ ^= rng_ >> 27;
  return rng_ * 0x2545F4914F6CDD1Dull;
}

void Rig::Put(uint16_t idx, const memif::Desc& d) {
  s2m_->desc[idx & (ring_size() - 1)] = d;
}

memif::Desc Rig::Own(uint16_t idx, uint32_t len, uint16_t flags) const {
  return memif::Desc{flags, 0, len, c_->BufferOffset(0, true, idx), 0};
}

bool Rig::Post(const std::vector<memif::Desc>& descs, Counts* n) {
  uint16_t head = s2m_->head;  // ours alone
  for (const memif::Desc& d : descs) Put(head++, d);
  // Release pairs with the switch's acquire load of head.
  StoreRelease(&s2m_->head, head);
  c_->KickTx(0);
  if (Drain(head)) return true;
  n->undrained++;
  return false;
}

bool Rig::Drain(uint16_t head) {
  const int64_t give_up = NowNs() + int64_t{kDrainMs} * 1000000;
  int64_t next_kick = NowNs() + 50000000;
  while (LoadAcquire(&s2m_->tail) != head) {
    const int64_t now = NowNs();
    if (now >= give_up || !c_->Connected()) return false;
    if (now >= next_kick) {  // a worker that went to sleep in between
      c_->KickTx(0);
      next_kick = now + 50000000;
    }
    usleep(20);
  }
  return true;
}

void Rig::Pause() const {
  if (o_.pause_us) usleep(o_.pause_us);
}

// ---- the run ----

namespace {

int Main(int argc, char** argv) {
  Options o;
  std::string err;
  if (!ParseArgs(argc, argv, &o, &err)) {
    fprintf(stderr, "mswitch-hostile-client: %s\n%s", err.c_str(), kUsage);
    return 2;
  }
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  std::unique_ptr<MemifClient> client = MemifClient::Connect(o.memif, &err);
  if (!client) {
    fprintf(stderr, "mswitch-hostile-client: cannot connect: %s\n", err.c_str());
    return 1;
  }
  if (client->RingSize() < 128 || client->Queues() < 1) {
    fprintf(stderr, "mswitch-hostile-client: the switch limited the ring to %u slots (need 128)\n",
            client->RingSize());
    return 2;
  }
  // Withdraw every M2S buffer MemifClient offered (see hostile.h), then
  // fill the S2M buffers with the pattern.
  memif::Ring* m2s = client->M2sRing(0);
  StoreRelease(&m2s->head, LoadAcquire(&m2s->tail));
  for (uint32_t s = 0; s < client->RingSize(); s++) {
    uint8_t* b = client->RegionBase() + client->BufferOffset(0, true, s);
    for (uint32_t i = 0; i < client->BufferSize(); i++) b[i] = PatternByte(i);
  }
  printf("ready %s: ring %u, buffer %u, region %" PRIu64 " bytes\n", o.attack.c_str(),
         client->RingSize(), client->BufferSize(), client->RegionSize());
  fflush(stdout);

  const int64_t start = NowNs();
  Counts total;
  std::string per_attack;
  const bool all = o.attack == "all";
  for (size_t i = 0; i < kNumAttacks; i++) {
    const std::string name = kAttacks[i];
    if (!all && name != o.attack) continue;
    Rig rig(client.get(), o, all ? o.duration / kNumAttacks : o.duration);
    Counts n;
    AttackFn(name)(&rig, &n);
    total.Merge(n);
    per_attack += (per_attack.empty() ? "" : ",") + JsonString(name) + ":" + JsonCounts(n);
    if (g_signalled || n.undrained || !client->Connected()) break;
  }
  const std::string disconnect = client->Connected() ? "" : client->DisconnectReason();
  printf("{\"attack\":%s,\"ring_size\":%u,\"buffer_size\":%u,\"region_size\":%" PRIu64
         ",\"duration_s\":%.3f,\"interrupted\":%s,\"disconnected\":%s,\"totals\":%s,"
         "\"attacks\":{%s}}\n",
         JsonString(o.attack).c_str(), client->RingSize(), client->BufferSize(),
         client->RegionSize(), (NowNs() - start) * 1e-9, g_signalled ? "true" : "false",
         disconnect.empty() ? "null" : JsonString(disconnect).c_str(),
         JsonCounts(total).c_str(), per_attack.c_str());
  fflush(stdout);
  const int64_t hold_end = NowNs() + static_cast<int64_t>(o.hold * 1e9);
  while (disconnect.empty() && !g_signalled && NowNs() < hold_end && client->Connected()) {
    usleep(10000);
  }
  client->Close("hostile client done");
  return disconnect.empty() ? 0 : 3;
}

}  // namespace
}  // namespace hostile
}  // namespace msw

int main(int argc, char** argv) { return msw::hostile::Main(argc, argv); }

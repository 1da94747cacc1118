// Link facts: see link_facts.h.
#include "ports/link_facts.h"

#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace msw {

uint32_t LinkSpeedMbps(const std::string& ifname) {
  if (ifname.empty() || ifname.size() >= IFNAMSIZ || ifname.find('/') != std::string::npos) return 0;
  const int fd = open(("/sys/class/net/" + ifname + "/speed").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[32] = {};
  const ssize_t n = read(fd, buf, sizeof buf - 1);  // EINVAL without carrier on many NICs
  close(fd);
  if (n <= 0) return 0;
  const long v = std::strtol(buf, nullptr, 10);
  return v > 0 && v < 0x7fffffff ? uint32_t(v) : 0;
}

TxOffloadFacts ReadTxOffload(const std::string& ifname) {
  TxOffloadFacts f;
  if (ifname.empty() || ifname.size() >= IFNAMSIZ) return f;
  const int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return f;
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, ifname.c_str(), ifname.size());
  ethtool_drvinfo info{};
  info.cmd = ETHTOOL_GDRVINFO;
  ifr.ifr_data = reinterpret_cast<char*>(&info);
  if (ioctl(s, SIOCETHTOOL, &ifr) == 0) f.driver.assign(info.driver, strnlen(info.driver, sizeof info.driver));
  ethtool_value v{};
  v.cmd = ETHTOOL_GTXCSUM;
  ifr.ifr_data = reinterpret_cast<char*>(&v);
  if (ioctl(s, SIOCETHTOOL, &ifr) == 0) {
    f.known = true;
    f.tx_csum = v.data != 0;
  }
  close(s);
  return f;
}

}  // namespace msw

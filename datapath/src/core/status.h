// Status: how control code (not the packet path) reports failure.  'code'
// is 0 or a positive errno; 'message' says what failed and on what, so one
// place (the binding) can turn it into a JS Error with .code.
#ifndef MSWITCH_CORE_STATUS_H_
#define MSWITCH_CORE_STATUS_H_

#include <string>
#include <utility>

namespace msw {

struct Status {
  int code = 0;
  std::string message;

  static Status Ok() { return Status{}; }
  static Status Error(int code, std::string message) {
    return Status{code, std::move(message)};
  }
  bool ok() const { return code == 0; }
};

}  // namespace msw

#endif  // MSWITCH_CORE_STATUS_H_

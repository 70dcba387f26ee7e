// A scratch file of uint64 arrays (shingle sets, signatures) written and
// read back by offset from any thread. The file is unlinked as soon as it is
// created, so it never outlives the process.
#ifndef DOPPEL_DEDUP_SET_STORE_H_
#define DOPPEL_DEDUP_SET_STORE_H_

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "doppel/status.h"
#include "util/fd_io.h"

namespace doppel {

class SetStore {
 public:
  ~SetStore() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Open(const std::string& dir) {
    std::string error;
    fd_ = CreateScratchFile(dir, "doppel-sets", &error);
    return fd_ < 0 ? IoError(error) : Status::Ok();
  }
  // Writes `v` at `offset` (in values); the file grows as needed. Thread-safe
  // for disjoint ranges.
  Status Write(uint64_t offset, std::span<const uint64_t> v) const {
    const int err = PwriteFull(fd_, v.data(), v.size() * sizeof(uint64_t), offset * sizeof(uint64_t));
    if (err == 0) return Status::Ok();
    return IoError(fmt::format("scratch file: cannot write: {}; set --tmp-dir to a folder with free space",
                               std::strerror(err)));
  }
  // Reads `count` values at `offset`, written before. Thread-safe.
  Status Read(uint64_t offset, uint64_t count, std::vector<uint64_t>* out) const {
    out->resize(count);
    const int err = PreadFull(fd_, out->data(), count * sizeof(uint64_t), offset * sizeof(uint64_t));
    if (err == 0) return Status::Ok();
    return IoError(fmt::format("scratch file: cannot read: {}", err > 0 ? std::strerror(err) : "short read"));
  }

 private:
  int fd_ = -1;
};

}  // namespace doppel

#endif  // DOPPEL_DEDUP_SET_STORE_H_

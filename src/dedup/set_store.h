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
  Status Open(const std::string& dir) {
    auto file = ScratchFile::Create(dir, "doppel-sets");
    if (!file.ok()) return file.status();
    file_ = std::move(file).value();
    return Status::Ok();
  }
  // Writes `v` at `offset` (in values); the file grows as needed. Thread-safe
  // for disjoint ranges.
  Status Write(uint64_t offset, std::span<const uint64_t> v) const {
    const int err = PwriteFull(file_.fd(), v.data(), v.size() * sizeof(uint64_t), offset * sizeof(uint64_t));
    return err == 0 ? Status::Ok() : ScratchIoError("set", "write", err);
  }
  // Reads `count` values at `offset`, written before. Thread-safe.
  Status Read(uint64_t offset, uint64_t count, std::vector<uint64_t>* out) const {
    out->resize(count);
    const int err = PreadFull(file_.fd(), out->data(), count * sizeof(uint64_t), offset * sizeof(uint64_t));
    return err == 0 ? Status::Ok() : ScratchIoError("set", "read", err);
  }

 private:
  ScratchFile file_;
};

}  // namespace doppel

#endif  // DOPPEL_DEDUP_SET_STORE_H_

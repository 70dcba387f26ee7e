// Whole positional reads and writes on a file descriptor, retried on EINTR
// and on short transfers, and scratch files. Internal to doppel.
#ifndef DOPPEL_UTIL_FD_IO_H_
#define DOPPEL_UTIL_FD_IO_H_

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "doppel/status.h"

namespace doppel {

// Reads exactly `length` bytes at `offset` into `out`. Returns 0, an errno
// value, or -1 when the file ends first.
inline int PreadFull(int fd, void* out, size_t length, uint64_t offset) {
  auto* p = static_cast<char*>(out);
  while (length > 0) {
    const ssize_t r = ::pread(fd, p, length, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return errno;
    if (r == 0) return -1;
    p += r;
    offset += static_cast<uint64_t>(r);
    length -= static_cast<size_t>(r);
  }
  return 0;
}

// Writes exactly `length` bytes at `offset`. Returns 0 or an errno value
// (ENOSPC when the file takes no more).
inline int PwriteFull(int fd, const void* data, size_t length, uint64_t offset) {
  const auto* p = static_cast<const char*>(data);
  while (length > 0) {
    const ssize_t w = ::pwrite(fd, p, length, static_cast<off_t>(offset));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return errno;
    if (w == 0) return ENOSPC;
    p += w;
    offset += static_cast<uint64_t>(w);
    length -= static_cast<size_t>(w);
  }
  return 0;
}

// The folder for scratch files: `tmp_dir` when given, else $TMPDIR, else
// /tmp.
inline std::string ScratchDir(const std::string& tmp_dir) {
  if (!tmp_dir.empty()) return tmp_dir;
  const char* env = std::getenv("TMPDIR");
  return env != nullptr && *env != 0 ? env : "/tmp";
}

// An error reading or writing a scratch file (`err` from PreadFull or
// PwriteFull), with what to do about it.
inline Status ScratchIoError(const char* which, const char* what, int err) {
  return IoError(std::string(which) + " scratch file: cannot " + what + ": " +
                 (err > 0 ? std::strerror(err) : "short read") + "; set --tmp-dir to a folder with free space");
}

// A scratch file, unlinked as soon as it is created so that it never
// outlives the process, and closed with its owner. Move-only.
class ScratchFile {
 public:
  ScratchFile() = default;
  ScratchFile(ScratchFile&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  ScratchFile& operator=(ScratchFile&& o) noexcept {
    if (this != &o) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  ~ScratchFile() {
    if (fd_ >= 0) ::close(fd_);
  }

  // Creates dir/PREFIX-XXXXXX.
  static Result<ScratchFile> Create(const std::string& dir, const char* prefix) {
    std::string path = dir + "/" + prefix + "-XXXXXX";
    ScratchFile f;
    f.fd_ = ::mkstemp(path.data());
    if (f.fd_ < 0) {
      return IoError(path + ": cannot create a scratch file: " + std::strerror(errno) +
                     "; set --tmp-dir to a writable folder");
    }
    ::unlink(path.c_str());
    return f;
  }

  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

}  // namespace doppel

#endif  // DOPPEL_UTIL_FD_IO_H_

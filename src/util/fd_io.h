// Whole positional reads and writes on a file descriptor, retried on EINTR
// and on short transfers, and unlinked scratch files. Internal to doppel.
#ifndef DOPPEL_UTIL_FD_IO_H_
#define DOPPEL_UTIL_FD_IO_H_

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

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

// Creates a scratch file named dir/PREFIX-XXXXXX and unlinks it at once, so
// that it never outlives the process. Returns the descriptor, or -1 with
// *error set to a message that names the file and what to do.
inline int CreateScratchFile(const std::string& dir, const char* prefix, std::string* error) {
  std::string path = dir + "/" + prefix + "-XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd < 0) {
    *error = path + ": cannot create a scratch file: " + std::strerror(errno) + "; set --tmp-dir to a writable folder";
    return -1;
  }
  ::unlink(path.c_str());
  return fd;
}

}  // namespace doppel

#endif  // DOPPEL_UTIL_FD_IO_H_

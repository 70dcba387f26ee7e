// Whole positional reads from a file descriptor, retried on EINTR and on
// short reads. Internal to doppel.
#ifndef DOPPEL_UTIL_FD_IO_H_
#define DOPPEL_UTIL_FD_IO_H_

#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

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

}  // namespace doppel

#endif  // DOPPEL_UTIL_FD_IO_H_

// Byte sources: plain files, gzip and zstd streams, standard input.
// Internal to the io stage.
#ifndef DOPPEL_IO_SOURCE_H_
#define DOPPEL_IO_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "doppel/input.h"
#include "doppel/status.h"

namespace doppel::io {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes; 0 means the end. A corrupt or truncated stream is
  // an error naming the file.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // Bytes consumed from the underlying file so far (compressed bytes).
  virtual uint64_t consumed() const = 0;
};

Result<std::unique_ptr<ByteSource>> OpenSource(const std::string& path, InputKind kind,
                                               const std::string& display);
// A source over an open descriptor, decoded as `kind` says; the source owns
// (and closes) the descriptor.
Result<std::unique_ptr<ByteSource>> OpenFdSource(int fd, InputKind kind, const std::string& display);

}  // namespace doppel::io

#endif  // DOPPEL_IO_SOURCE_H_

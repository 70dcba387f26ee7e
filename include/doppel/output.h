// doppel/output.h - output files that are either complete or absent.
//
// An OutputFile writes to a hidden temporary file beside the target and
// renames it into place on Commit(). If the run fails, is interrupted by
// SIGINT/SIGTERM, or the object is destroyed uncommitted, the temporary file
// is removed, so a half-written output never looks complete. The target's
// extension picks compression: .gz (zlib) or .zst (zstd); "-" is stdout.
#ifndef DOPPEL_OUTPUT_H_
#define DOPPEL_OUTPUT_H_

#include <memory>
#include <string>
#include <string_view>

#include "doppel/status.h"

namespace doppel {

class OutputFile {
 public:
  static Result<std::unique_ptr<OutputFile>> Create(const std::string& path);
  virtual ~OutputFile();
  virtual Status Write(std::string_view bytes) = 0;
  // Flushes, closes and renames into place. Must be called once.
  virtual Status Commit() = 0;
  const std::string& path() const { return path_; }

 protected:
  explicit OutputFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Installs SIGINT/SIGTERM handlers that remove uncommitted temporary files.
void InstallOutputCleanupHandlers();

}  // namespace doppel

#endif  // DOPPEL_OUTPUT_H_

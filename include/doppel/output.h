// doppel/output.h - output files that are either complete or absent.
//
// An OutputFile writes to a hidden temporary file beside the target and
// renames it into place on Commit(). If the run fails, is interrupted by
// SIGINT/SIGTERM, or the object is destroyed uncommitted, the temporary file
// is removed, so a half-written output never looks complete. The target's
// extension picks compression: .gz (zlib) or .zst (zstd); "-" is stdout.
#ifndef DOPPEL_OUTPUT_H_
#define DOPPEL_OUTPUT_H_

#include <initializer_list>
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
  // Appends `length` bytes of the open file `fd` from `offset` (its file
  // position is not used). Plain outputs let the kernel copy them
  // (copy_file_range, sendfile); others read them and Write().
  virtual Status CopyFrom(int fd, uint64_t offset, uint64_t length);
  // Flushes, syncs and closes: everything is on disk under the temporary name.
  virtual Status Finish() = 0;
  // Renames the finished file into place.
  virtual Status Publish() = 0;
  // Finish() then Publish(). Must be called once.
  Status Commit();
  const std::string& path() const { return path_; }

 protected:
  explicit OutputFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Commits several outputs together: all are finished before any is renamed,
// so a failure while writing any of them leaves none in place. Null entries
// are skipped.
Status CommitAll(std::initializer_list<OutputFile*> files);

// Installs SIGINT/SIGTERM/SIGHUP handlers that remove uncommitted temporary
// files, and ignores SIGPIPE so that a closed pipe is a write error (and the
// run cleans up) rather than a silent death.
void InstallOutputCleanupHandlers();

}  // namespace doppel

#endif  // DOPPEL_OUTPUT_H_

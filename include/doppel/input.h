// doppel/input.h - streaming reader for the corpora doppel works on.
//
// An input is any mix of JSONL files (plain, .gz or .zst), "-" for standard
// input, and directories, where every *.txt file below the directory is one
// document whose id is its path relative to that directory. Records are read
// in batches of whole lines, so a file of many gigabytes is never held in
// memory whole; the largest single record is. The same records can be read a
// second time with Rewind(); standard input, pipes and devices are copied to
// an unlinked scratch file on the first pass so that they can be.
//
// An InputSet is not thread-safe: one thread reads batches, others may parse
// the records of batches they were handed.
#ifndef DOPPEL_INPUT_H_
#define DOPPEL_INPUT_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "doppel/status.h"

namespace doppel {

enum class InputKind { kJsonl, kGzip, kZstd, kStdin, kTextFile };

struct InputFile {
  std::string path;     // as opened
  std::string display;  // as named in messages ("-" is "<stdin>")
  std::string doc_id;   // for kTextFile: path relative to the directory given
  InputKind kind = InputKind::kJsonl;
  uint64_t size = 0;    // bytes on disk, 0 when unknown (stdin)
  bool stream = false;  // stdin, a pipe or a device: it cannot be read twice
};

// One record as it stands in the input: a JSON line without its line break,
// or the whole content of a .txt file.
struct RawRecord {
  uint32_t file = 0;       // index into InputSet::files()
  uint64_t line = 0;       // 1-based line number; 1 for a .txt file
  std::string_view bytes;  // points into the Batch that holds it
  uint64_t offset = 0;     // where `bytes` starts in the file (0 for a .txt file)
};

// Records read together. `bytes` of each record point into `buffer`, which
// keeps at least kPadding readable bytes after the last record, as simdjson
// requires.
struct Batch {
  static constexpr size_t kPadding = 64;
  uint64_t first_index = 0;  // ordinal of records[0] among all records read
  std::string buffer;
  std::vector<RawRecord> records;
  uint64_t input_bytes = 0;  // bytes of input consumed up to the end of this batch
};

class InputSet {
 public:
  // Expands directories (sorted, so the order is the same on every machine)
  // and checks that every file can be opened. With `rereadable`, inputs that
  // cannot be read twice are copied to scratch files in tmp_dir as they are
  // read, for Rewind().
  static Result<std::unique_ptr<InputSet>> Open(const std::vector<std::string>& paths,
                                                const std::string& tmp_dir, bool rereadable = true);
  ~InputSet();

  const std::vector<InputFile>& files() const { return files_; }
  // Sum of the on-disk sizes, for progress reports; 0 when unknown.
  uint64_t total_bytes() const { return total_bytes_; }

  // Fills `batch` with whole records of about `target_bytes`. Blank lines are
  // skipped (they are not records). Returns false at the end of the input.
  Result<bool> Next(Batch* batch, size_t target_bytes = 1 << 20);

  // Starts again from the first record; records come back in the same order
  // with the same ordinals.
  Status Rewind();

  // Whether records of `file` can be read again by offset: plain JSONL files
  // (not compressed, not streams, not folders of .txt files).
  bool random_access(uint32_t file) const;
  // Reads `length` bytes at `offset` of a random_access file: a record read
  // before, by its RawRecord::offset and size. Thread-safe.
  Status ReadAt(uint32_t file, uint64_t offset, size_t length, char* out);
  // An open descriptor of a random_access file, owned by the InputSet.
  Result<int> Descriptor(uint32_t file);

 private:
  InputSet() = default;
  Status OpenFile(size_t index);
  class Source;
  std::vector<InputFile> files_;
  uint64_t total_bytes_ = 0;
  std::string tmp_dir_;
  bool rereadable_ = true;
  std::vector<int> spool_;        // per file: descriptor of its scratch copy, or -1
  std::vector<uint8_t> spooled_;  // per file: the copy is complete
  Status pending_error_;          // a read error held back until its batch was handed out
  size_t current_ = 0;
  std::unique_ptr<Source> source_;
  std::string pending_;      // a partial line carried into the next batch
  uint64_t pending_offset_ = 0;  // where pending_ starts in the current file
  std::mutex fds_mu_;
  std::vector<int> fds_;     // per file: descriptor for ReadAt, opened on first use
  uint64_t line_ = 0;        // last line number handed out in the current file
  uint64_t next_index_ = 0;
  uint64_t consumed_before_ = 0;  // bytes of files finished before the current one
};

}  // namespace doppel

#endif  // DOPPEL_INPUT_H_

// doppel/corpus.h - options shared by every command that reads a corpus.
#ifndef DOPPEL_CORPUS_H_
#define DOPPEL_CORPUS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "doppel/record.h"

namespace doppel {

enum class OnError {
  kStop,  // the first bad record ends the run: FILE:LINE: reason, no outputs
  kSkip,  // bad records are written to the rejects file and the run goes on
};

struct CorpusOptions {
  std::vector<std::string> inputs;
  FieldNames fields;
  OnError on_error = OnError::kStop;
  std::string rejects_path;  // {"file", "line", "reason"} per bad record (kSkip)
  std::string tmp_dir;       // spooled stdin and scratch files; default $TMPDIR or /tmp
  bool progress = true;      // a progress line on standard error when it is a terminal
  size_t batch_bytes = 1 << 20;
};

// What happened to every record read. read == kept + removed + rejected.
struct RecordCounts {
  uint64_t read = 0;
  uint64_t kept = 0;
  uint64_t removed = 0;
  uint64_t rejected = 0;
};

struct StageTime {
  std::string stage;
  double seconds = 0;
};

}  // namespace doppel

#endif  // DOPPEL_CORPUS_H_

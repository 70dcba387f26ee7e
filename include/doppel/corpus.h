// doppel/corpus.h - options shared by every command that reads a corpus.
#ifndef DOPPEL_CORPUS_H_
#define DOPPEL_CORPUS_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "doppel/record.h"
#include "doppel/status.h"

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
  size_t batch_bytes = 1 << 19;
};

// What happened to every record read. read == kept + removed + rejected.
struct RecordCounts {
  uint64_t read = 0;
  uint64_t kept = 0;
  uint64_t removed = 0;
  uint64_t rejected = 0;
  // Good records whose id an earlier good record has (the same JSON value):
  // their lines in --clusters and --pairs cannot be told from the earlier
  // one's. Not a reason to reject a record (a page crawled twice under its
  // URL is a copy like any other); the commands warn (RepeatedIdsWarning).
  uint64_t repeated_ids = 0;
  std::string first_repeated_id;  // "FILE:LINE has the id of FILE:LINE", for the first such record
};

// A warning line for standard error when ids repeat, else "".
std::string RepeatedIdsWarning(const RecordCounts& counts);

struct StageTime {
  std::string stage;
  double seconds = 0;
};

// A corpus held in memory, for the commands that compare texts (find, fuse).
struct CorpusDocument {
  std::string id_json;  // the id as JSON
  std::string text;     // UTF-8
  std::string source;   // the source key (see SourceKey); empty when unknown
};

struct Corpus {
  std::vector<CorpusDocument> docs;  // in input order
  RecordCounts counts;               // read and rejected are filled in
};

class OutputFile;

// Reads every record (same inputs, fields and bad-input handling as dedup;
// rejects are written to opt.rejects_path) and returns the good ones. With
// `rejects`, the rejects file is handed back uncommitted, so that the caller
// commits it with its own outputs; without, it is committed here.
Result<Corpus> LoadCorpus(const CorpusOptions& opt, std::unique_ptr<OutputFile>* rejects = nullptr);

// Checks the options every command shares: --on-error skip needs --rejects
// (a bad record is never dropped without a trace) and --rejects needs skip;
// no two outputs, `outputs` and the rejects file, may name the same path
// (or both be standard output).
Status CheckCorpusOptions(const CorpusOptions& opt, std::initializer_list<const std::string*> outputs);

// The source of a document: the host of a URL ("https://www.dw.com/en/x" ->
// "www.dw.com"), or the value itself when it is not a URL.
std::string SourceKey(std::string_view value);

}  // namespace doppel

#endif  // DOPPEL_CORPUS_H_

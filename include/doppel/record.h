// doppel/record.h - turning a raw input record into a document.
//
// A JSONL record must be a JSON object in valid UTF-8 whose text field is a
// string. Its id is the id field's value as JSON: a string re-escaped in
// doppel's canonical form, anything else minified (1.50 becomes 1.5); or
// "FILE:LINE" when it has none. A .txt record's id is its path.
// A RecordParser owns a reusable simdjson parser: use one per thread.
#ifndef DOPPEL_RECORD_H_
#define DOPPEL_RECORD_H_

#include <memory>
#include <string>
#include <string_view>

#include "doppel/input.h"

namespace doppel {

struct FieldNames {
  std::string id = "id";
  std::string text = "text";
  std::string source;  // empty: no source field
};

// A parsed record. `text` points into the parser (or the raw record) and is
// valid until the parser's next Parse().
struct Document {
  std::string id_json;    // the id as JSON ("\"a\"" or 17)
  std::string_view text;  // unescaped UTF-8 text
  std::string source;     // the source field's string value, when asked for and present
};

class RecordParser {
 public:
  explicit RecordParser(FieldNames fields);
  ~RecordParser();
  RecordParser(const RecordParser&) = delete;
  RecordParser& operator=(const RecordParser&) = delete;

  // Parses `rec` (from `file`) into `doc`. On bad input returns the reason
  // alone ("not JSON: ...", "invalid UTF-8", "no \"text\" field", ...); the
  // caller adds the file and line.
  bool Parse(const RawRecord& rec, const InputFile& file, Document* doc, std::string* reason);

 private:
  FieldNames fields_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Appends `s` as a JSON string literal (quoted and escaped).
void AppendJsonString(std::string* out, std::string_view s);
// Formats "FILE:LINE" for messages.
std::string Where(const InputFile& file, uint64_t line);

}  // namespace doppel

#endif  // DOPPEL_RECORD_H_

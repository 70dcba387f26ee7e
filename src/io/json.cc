#include <cstdio>

#include <fmt/format.h>
#include <simdjson.h>

#include "doppel/record.h"

namespace doppel {

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  size_t run = 0;  // start of the current run of bytes that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default: {
        char esc[8];
        std::snprintf(esc, sizeof esc, "\\u%04x", c);
        out->append(esc);
      }
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

std::string Where(const InputFile& file, uint64_t line) { return fmt::format("{}:{}", file.display, line); }

struct RecordParser::Impl {
  simdjson::dom::parser parser;
};

RecordParser::RecordParser(FieldNames fields) : fields_(std::move(fields)), impl_(new Impl) {}
RecordParser::~RecordParser() = default;

namespace {

// Token offsets are 32-bit.
constexpr size_t kMaxText = 0xFFFFFFFFu;

const char* TypeName(simdjson::dom::element_type t) {
  using T = simdjson::dom::element_type;
  switch (t) {
    case T::ARRAY: return "an array";
    case T::OBJECT: return "an object";
    case T::INT64:
    case T::UINT64:
    case T::DOUBLE: return "a number";
    case T::STRING: return "a string";
    case T::BOOL: return "a boolean";
    case T::NULL_VALUE: return "null";
  }
  return "not a string";
}

}  // namespace

bool RecordParser::Parse(const RawRecord& rec, const InputFile& file, Document* doc, std::string* reason) {
  doc->source.clear();
  if (file.kind == InputKind::kTextFile) {
    if (rec.bytes.size() > kMaxText) {
      *reason = "text longer than 4 GiB; split the document";
      return false;
    }
    if (!simdjson::validate_utf8(rec.bytes.data(), rec.bytes.size())) {
      *reason = "invalid UTF-8; re-encode the file as UTF-8";
      return false;
    }
    doc->id_json.clear();
    AppendJsonString(&doc->id_json, file.doc_id);
    doc->text = rec.bytes;
    return true;
  }
  simdjson::dom::element root;
  auto err = impl_->parser.parse(rec.bytes.data(), rec.bytes.size(), false).get(root);
  if (err) {
    const std::string_view b = rec.bytes;
    if (b.substr(0, 2) == "\x1f\x8b" || b.substr(0, 4) == "\x28\xb5\x2f\xfd") {
      *reason = "not JSON: the data looks gzip- or zstd-compressed; name the file .gz or .zst";
    } else if (err == simdjson::UTF8_ERROR) {
      *reason = "invalid UTF-8; re-encode the record as UTF-8";
    } else {
      *reason = fmt::format("not JSON ({}); each line must hold one JSON object", simdjson::error_message(err));
    }
    return false;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) {
    *reason = fmt::format("not a JSON object but {}; each line must hold one JSON object", TypeName(root.type()));
    return false;
  }
  simdjson::dom::element text;
  if (obj.at_key(fields_.text).get(text)) {
    *reason = fmt::format("no \"{}\" field; name the text field with --text-field", fields_.text);
    return false;
  }
  std::string_view text_view;
  if (text.get_string().get(text_view)) {
    *reason = fmt::format("\"{}\" is {}, not a string", fields_.text, TypeName(text.type()));
    return false;
  }
  if (text_view.size() > kMaxText) {
    *reason = "text longer than 4 GiB; split the document";
    return false;
  }
  doc->text = text_view;
  simdjson::dom::element id;
  doc->id_json.clear();
  if (!obj.at_key(fields_.id).get(id) && id.type() != simdjson::dom::element_type::NULL_VALUE) {
    std::string_view sid;
    if (!id.get_string().get(sid)) {
      AppendJsonString(&doc->id_json, sid);
    } else {
      doc->id_json = simdjson::minify(id);
    }
  } else {
    AppendJsonString(&doc->id_json, Where(file, rec.line));
  }
  if (!fields_.source.empty()) {
    std::string_view src;
    if (!obj.at_key(fields_.source).get_string().get(src)) doc->source.assign(src);
  }
  return true;
}

}  // namespace doppel

// Loading a whole corpus into memory, for find and fuse.
#include <sys/stat.h>

#include <algorithm>

#include <fmt/format.h>

#include "doppel/corpus.h"
#include "doppel/output.h"
#include "io/scan.h"

namespace doppel {

std::string SourceKey(std::string_view v) {
  size_t scheme = v.find("://");
  if (scheme == std::string_view::npos) return std::string(v);
  std::string_view rest = v.substr(scheme + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view host = rest.substr(0, end);
  if (size_t at = host.rfind('@'); at != std::string_view::npos) host = host.substr(at + 1);
  if (size_t colon = host.rfind(':'); colon != std::string_view::npos && host.find(']') == std::string_view::npos) {
    host = host.substr(0, colon);
  }
  std::string out(host);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return out;
}

Status CheckCorpusOptions(const CorpusOptions& opt, std::initializer_list<const std::string*> outputs) {
  if (opt.on_error == OnError::kSkip && opt.rejects_path.empty()) {
    return InvalidArgument("--on-error skip needs --rejects FILE, where the bad records are written");
  }
  if (opt.on_error == OnError::kStop && !opt.rejects_path.empty()) {
    return InvalidArgument("--rejects is written with --on-error skip only; add it or drop --rejects");
  }
  // A device such as /dev/null may take any number of outputs.
  auto shared_ok = [](const std::string& p) {
    struct stat st;
    return p != "-" && ::stat(p.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
  };
  std::vector<std::string> seen;
  if (!opt.rejects_path.empty() && !shared_ok(opt.rejects_path)) seen.push_back(opt.rejects_path);
  for (const std::string* p : outputs) {
    if (!p->empty() && !shared_ok(*p)) seen.push_back(*p);
  }
  std::sort(seen.begin(), seen.end());
  for (size_t i = 1; i < seen.size(); ++i) {
    if (seen[i] == seen[i - 1]) {
      return InvalidArgument(seen[i] == "-" ? "two outputs go to standard output; give one of them a file name"
                                            : "two outputs name " + seen[i] + "; give each its own file");
    }
  }
  return Status::Ok();
}

std::string RepeatedIdsWarning(const RecordCounts& counts) {
  if (counts.repeated_ids == 0) return "";
  return fmt::format(
      "doppel: warning: {} record{} the id of an earlier record (the first: {}); the lines of --clusters and "
      "--pairs that name such an id cannot be told apart: give every record a unique id, or name a field "
      "that has one with --id-field\n",
      counts.repeated_ids, counts.repeated_ids == 1 ? " has" : "s have", counts.first_repeated_id);
}

Result<Corpus> LoadCorpus(const CorpusOptions& opt, std::unique_ptr<OutputFile>* rejects_out) {
  auto opened = InputSet::Open(opt.inputs, opt.tmp_dir, /*rereadable=*/false);
  if (!opened.ok()) return opened.status();
  InputSet& input = **opened;
  RejectHandler rejects(opt);
  DOPPEL_RETURN_IF_ERROR(rejects.Open());
  Corpus corpus;
  std::vector<uint8_t> states;
  auto work = [](const Document& doc, CorpusDocument* out) {
    out->id_json = doc.id_json;
    out->text.assign(doc.text);
    out->source = doc.source.empty() ? std::string() : SourceKey(doc.source);
  };
  auto sink = [&](CorpusDocument&& d) -> Status {
    corpus.docs.push_back(std::move(d));
    return Status::Ok();
  };
  DOPPEL_RETURN_IF_ERROR(ScanCorpus<CorpusDocument>(input, opt, "doppel: reading", rejects, &states, &corpus.counts, work, sink));
  if (rejects_out) {
    *rejects_out = rejects.Release();
  } else {
    DOPPEL_RETURN_IF_ERROR(rejects.Commit());
  }
  return corpus;
}

}  // namespace doppel

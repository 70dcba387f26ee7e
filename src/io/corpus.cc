// Loading a whole corpus into memory, for find and fuse.
#include <algorithm>

#include "doppel/corpus.h"
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

Result<Corpus> LoadCorpus(const CorpusOptions& opt) {
  auto opened = InputSet::Open(opt.inputs, opt.tmp_dir);
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
  DOPPEL_RETURN_IF_ERROR(ScanCorpus<CorpusDocument>(input, opt, "doppel: reading", rejects, &states, work, sink));
  DOPPEL_RETURN_IF_ERROR(rejects.Commit());
  corpus.counts.read = states.size();
  corpus.counts.rejected = rejects.count();
  return corpus;
}

}  // namespace doppel

// Cleaning: drop the units of a document that are chrome or junk.
//
// Evidence first, for the whole corpus (clean/evidence.h):
//   site:   (source, word k-gram) and (source, line) seen in two or more
//           clusters are chrome;
//   story:  what a copy of the same story has as text on another source is
//           not chrome, whatever the local source repeats;
//   corpus: words that stand as a whole line in a document of another
//           story are a foreign headline ("Related stories").
// Then per document (clean/segment.h cuts it into units), in this order:
//  1. footers ("The post ... appeared first on ...", "Read more at ...");
//  2. chrome lines are dropped; words of chrome k-grams and of foreign
//     headlines are masked; a unit with at least site_drop of its words
//     masked is dropped, a masked prefix or suffix of a unit is cut off
//     (chrome glued to a sentence when line breaks were lost);
//  3. universal junk (clean/junk.h): ALL-CAPS markers, video titles, bare
//     URLs between sentences, image captions closed by a credit (with the
//     caption text that leads into the credit on its line) unless copies
//     of the story on other sources carry them too;
//  4. an excerpt (it had a "Read more at" footer) loses a first unit that is
//     not prose: its page title;
//  5. before the first prose unit, UI placeholders are dropped with what
//     stands between them; other non-prose leaders (dates, bylines,
//     headings) are article and stay.
// The kept units are joined, each Markdown link "[words](address)" written
// as its words (LinkMarkup): the address is the page's markup, not its text.
// Cost: linear in the corpus plus the sorts of clean/evidence.h; parallel
// over documents and clusters, deterministic.
#include <algorithm>
#include <utility>
#include <vector>

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include "clean/evidence.h"
#include "clean/junk.h"
#include "clean/segment.h"
#include "clean/span_hash.h"
#include "cluster/groups.h"
#include "doppel/fuse.h"
#include "doppel/text.h"
#include "text/chars.h"
#include "text/url.h"

namespace doppel {
namespace {

// Line keys live apart from k-gram keys in the site evidence.
constexpr uint64_t kLineSalt = 0x6C696E65ULL;

uint64_t SiteKey(uint64_t hash, uint64_t source) { return Mix64(hash ^ source); }

// What happened to a unit (kept, or why not: for reading and debugging).
enum class Why : uint8_t {
  kKeep, kEmpty, kFooter, kReadMore, kSite, kForeign, kMarker, kVideo, kUrl, kCaption, kExcerptTitle, kUi
};

// A line of a document: its units and the identity of its words.
struct Line {
  uint32_t unit_begin, unit_end;
  uint32_t words;
  uint64_t hash;  // SpanHasher hash of its words
  uint64_t head;  // of its first CorpusLines::kMinWords words
  bool sentence;  // it ends with a period
};

struct DocState {
  std::vector<Token> tokens;
  std::vector<Unit> units;
  std::vector<Line> lines;            // lines with at least one word
  uint64_t source = 0;                // hash of the source
  std::vector<uint64_t> kgrams;       // hashes of the word k-grams, one per position
  std::vector<uint8_t> chrome;        // per k-gram: chrome
  std::vector<uint64_t> line_hashes;  // per line: its hash (for KeepStoryText)
  std::vector<uint8_t> line_chrome;   // per line: chrome
  std::vector<uint8_t> syndicated;    // per k-gram: a copy of the story on another source has it
};

void Prepare(const CorpusDocument& cd, const CleanOptions& opt, DocState* doc) {
  Tokenize(cd.text, &doc->tokens);
  doc->units = SegmentUnits(cd.text, doc->tokens);
  const std::vector<Unit>& units = doc->units;
  const SpanHasher words(doc->tokens);
  for (uint32_t u = 0; u < units.size();) {
    uint32_t e = u + 1;
    while (e < units.size() && !units[e].para) ++e;
    const uint32_t tb = units[u].tok_begin, te = units[e - 1].tok_end;
    if (te > tb) {
      const uint64_t head = te - tb >= CorpusLines::kMinWords ? words.Hash(tb, tb + CorpusLines::kMinWords) : 0;
      std::string_view last(cd.text.data() + units[e - 1].begin, units[e - 1].end - units[e - 1].begin);
      doc->lines.push_back({u, e, te - tb, words.Hash(tb, te), head, EndsWithPeriod(last)});
      doc->line_hashes.push_back(words.Hash(tb, te));
    }
    u = e;
  }
  doc->source = HashNormalized(cd.source);
  if (doc->tokens.size() >= static_cast<size_t>(opt.site_ngram)) {
    std::vector<uint64_t> hashes(doc->tokens.size());
    for (size_t i = 0; i < hashes.size(); ++i) hashes[i] = doc->tokens[i].hash;
    ShingleHashes(hashes, opt.site_ngram, &doc->kgrams);
  }
}

// Site evidence, then story evidence: fills chrome and line_chrome.
void MarkChrome(std::span<const uint32_t> cluster, const CleanOptions& opt, std::vector<DocState>* docs) {
  const size_t n = docs->size();
  std::vector<std::vector<uint64_t>> keys(n);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    const DocState& doc = (*docs)[d];
    for (uint64_t g : doc.kgrams) keys[d].push_back(SiteKey(g, doc.source));
    for (uint64_t h : doc.line_hashes) keys[d].push_back(SiteKey(h ^ kLineSalt, doc.source));
  });
  // Which k-grams and lines travel: held on two or more sources.
  std::vector<std::pair<uint64_t, uint64_t>> held;  // (k-gram, source)
  for (const DocState& doc : *docs) {
    for (uint64_t g : doc.kgrams) held.emplace_back(g, doc.source);
    for (uint64_t h : doc.line_hashes) held.emplace_back(h ^ kLineSalt, doc.source);
  }
  tbb::parallel_sort(held.begin(), held.end());
  held.erase(std::unique(held.begin(), held.end()), held.end());
  std::vector<uint64_t> multi;  // sorted keys of two or more sources
  for (size_t i = 1; i < held.size(); ++i) {
    if (held[i].first == held[i - 1].first && (multi.empty() || multi.back() != held[i].first)) {
      multi.push_back(held[i].first);
    }
  }
  std::vector<std::pair<uint64_t, uint64_t>>().swap(held);
  std::vector<std::vector<uint8_t>> travels(n);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    const DocState& doc = (*docs)[d];
    travels[d].assign(keys[d].size(), 0);
    for (size_t p = 0; p < doc.kgrams.size(); ++p) {
      travels[d][p] = std::binary_search(multi.begin(), multi.end(), doc.kgrams[p]);
    }
    for (size_t l = 0; l < doc.line_hashes.size(); ++l) {
      travels[d][doc.kgrams.size() + l] = std::binary_search(multi.begin(), multi.end(), doc.line_hashes[l] ^ kLineSalt);
    }
  });
  const SiteEvidence site = SiteEvidence::Build(keys, cluster, opt, &travels);
  keys.clear();
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    DocState& doc = (*docs)[d];
    doc.chrome.resize(doc.kgrams.size());
    for (size_t p = 0; p < doc.kgrams.size(); ++p) doc.chrome[p] = site.Repeated(SiteKey(doc.kgrams[p], doc.source));
    doc.line_chrome.resize(doc.lines.size());
    for (size_t l = 0; l < doc.lines.size(); ++l) {
      doc.line_chrome[l] = site.Repeated(SiteKey(doc.line_hashes[l] ^ kLineSalt, doc.source));
    }
  });
  const std::vector<std::vector<uint32_t>> groups = ClusterGroups(cluster);
  tbb::parallel_for(size_t{0}, groups.size(), [&](size_t g) {
    if (groups[g].size() < 2) return;
    std::vector<StoryCopy> grams, lines;
    std::vector<SharedCopy> shared;
    for (uint32_t d : groups[g]) {
      DocState& doc = (*docs)[d];
      grams.push_back({doc.source, &doc.kgrams, &doc.chrome});
      lines.push_back({doc.source, &doc.line_hashes, &doc.line_chrome});
      shared.push_back({doc.source, &doc.kgrams, &doc.syndicated});
    }
    KeepStoryText(grams);
    KeepStoryText(lines);
    MarkSyndicated(shared);
  });
}

// Headlines of the corpus, with the non-chrome k-grams of every document
// for the guard.
CorpusLines IndexLines(std::span<const uint32_t> cluster, const CleanOptions& opt, const std::vector<DocState>& docs) {
  const size_t n = docs.size();
  std::vector<std::vector<CorpusLines::Line>> lines(n);
  std::vector<std::vector<uint64_t>> shingles(n);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    const DocState& doc = docs[d];
    for (const Line& line : doc.lines) {
      // A sentence is not a headline: other stories may quote it.
      if (line.words >= CorpusLines::kMinWords && !line.sentence) {
        lines[d].push_back({line.hash, line.head, line.words});
      }
    }
    for (size_t p = 0; p < doc.kgrams.size(); ++p) {
      if (!doc.chrome[p]) shingles[d].push_back(doc.kgrams[p]);
    }
    SortUnique(&shingles[d]);
  });
  return CorpusLines(lines, cluster, std::move(shingles), opt.same_story_containment);
}

// The markup of the Markdown links of `text`, in order: for each
// "](address)" whose address starts with a scheme or "www." (text/url.h;
// scanned up to kMaxUrlBytes) and whose ")" closes it, that range, and
// before it the link's "[" (with an image's "!" before that) when no "]"
// and no line break stand between them. Found in the whole text, as a
// link's words may hold a sentence end that cuts them into two units.
constexpr size_t kMaxUrlBytes = 2048;
void LinkMarkup(std::string_view text, std::vector<std::pair<uint32_t, uint32_t>>* out) {
  out->clear();
  size_t from = 0;  // where the search for a link's "[" stops
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '\n') {
      from = i + 1;
      continue;
    }
    if (text[i] != ']' || text[i + 1] != '(' || !StartsUrl(text, i + 2)) continue;
    const size_t close = UrlEnd(text.substr(0, std::min(text.size(), i + 2 + kMaxUrlBytes)), i + 2);
    if (close >= text.size() || text[close] != ')') continue;
    size_t open = i;
    while (open > from && text[open - 1] != '[' && text[open - 1] != ']' && text[open - 1] != '\n') --open;
    if (open > from && text[open - 1] == '[') {
      const size_t bang = open - 1 > from && text[open - 2] == '!' ? open - 2 : open - 1;
      out->push_back({static_cast<uint32_t>(bang), static_cast<uint32_t>(open)});
    }
    out->push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(close + 1)});
    from = close + 1;
    i = close;
  }
}

// Extends a cut after the last kept word over the punctuation glued to it.
uint32_t ExtendOverPunctuation(std::string_view text, uint32_t end, uint32_t limit) {
  size_t n;
  while (end < limit) {
    int32_t cp = DecodeAt(text, end, &n);
    if (IsSpace(cp) || IsAlnum(cp)) break;
    end += static_cast<uint32_t>(n);
  }
  return end;
}

// One document.
class Cleaner {
 public:
  Cleaner(std::string_view text, uint32_t index, DocState& doc, const CorpusLines& corpus_lines,
          const CleanOptions& opt)
      : text_(text), index_(index), doc_(doc), units_(doc.units), corpus_lines_(corpus_lines), opt_(opt),
        why_(doc.units.size(), Why::kKeep) {}

  CleanedDocument Run() {
    DropFooters();
    MaskChrome();
    DropJunk();
    DropEdges();
    return Assemble();
  }

 private:
  std::string_view UnitText(size_t u) const { return text_.substr(units_[u].begin, units_[u].end - units_[u].begin); }
  size_t Words(size_t u) const { return units_[u].tok_end - units_[u].tok_begin; }
  bool Prose(size_t u) const { return IsProse(UnitText(u), Words(u)); }

  // 1. Before the site mask: on an aggregator, the repeated "appeared
  // first on SITE" ends of footers would be cut off, hiding what they are.
  void DropFooters() {
    for (size_t u = 0; u < units_.size(); ++u) {
      std::string_view s = UnitText(u);
      if (s[0] != 'T' && s[0] != 'R') continue;
      std::string folded = FoldQuotes(s);
      std::string_view title;
      if (PostFooterTitle(folded, &title)) {
        why_[u] = Why::kFooter;
      } else if (IsReadMoreFooter(folded)) {
        why_[u] = Why::kReadMore;
        read_more_ = true;
      }
    }
  }

  // 2.
  void MaskChrome() {
    for (size_t l = 0; l < doc_.lines.size(); ++l) {
      if (!doc_.line_chrome[l]) continue;
      for (uint32_t u = doc_.lines[l].unit_begin; u < doc_.lines[l].unit_end; ++u) {
        if (why_[u] == Why::kKeep) why_[u] = Why::kSite;
      }
    }
    const std::vector<Token>& tokens = doc_.tokens;
    std::vector<uint8_t> site(tokens.size(), 0), foreign(tokens.size(), 0);
    const auto k = static_cast<size_t>(opt_.site_ngram);
    for (size_t p = 0; p < doc_.kgrams.size(); ++p) {
      if (doc_.chrome[p]) std::fill(site.begin() + p, site.begin() + p + k, 1);
    }
    corpus_lines_.MarkForeign(SpanHasher(tokens), index_, &foreign);
    // Before the first prose unit stands the story's own title, which the
    // lists of other stories name: a headline there is not foreign.
    for (size_t u = 0; u < units_.size(); ++u) {
      if (why_[u] == Why::kKeep && Prose(u)) break;
      std::fill(foreign.begin() + units_[u].tok_begin, foreign.begin() + units_[u].tok_end, 0);
    }
    for (size_t u = 0; u < units_.size(); ++u) {
      if (why_[u] != Why::kKeep) continue;
      Unit& unit = units_[u];
      const size_t n = Words(u);
      if (n == 0) {
        why_[u] = Why::kEmpty;
        continue;
      }
      std::vector<uint8_t> m(n);
      size_t masked = 0, by_foreign = 0;
      for (size_t i = 0; i < n; ++i) {
        m[i] = site[unit.tok_begin + i] | foreign[unit.tok_begin + i];
        masked += m[i];
        by_foreign += foreign[unit.tok_begin + i];
      }
      if (static_cast<double>(masked) >= opt_.site_drop * static_cast<double>(n)) {
        why_[u] = 2 * by_foreign >= masked ? Why::kForeign : Why::kSite;
        continue;
      }
      if (!m[0] && !m[n - 1]) continue;  // inner repeats are common phrases
      size_t a = 0, b = n;               // masked < n, so a < b
      while (m[a]) ++a;
      while (m[b - 1]) --b;
      uint32_t begin = a > 0 ? tokens[unit.tok_begin + a].begin : unit.begin;
      uint32_t end = b < n ? ExtendOverPunctuation(text_, tokens[unit.tok_begin + b - 1].end, unit.end) : unit.end;
      std::string_view kept = StripSpace(text_.substr(begin, end - begin));
      unit.begin = static_cast<uint32_t>(kept.data() - text_.data());
      unit.end = static_cast<uint32_t>(unit.begin + kept.size());
      unit.tok_end = unit.tok_begin + static_cast<uint32_t>(b);
      unit.tok_begin += static_cast<uint32_t>(a);
    }
  }

  // 3.
  void DropJunk() {
    for (size_t u = 0; u < units_.size(); ++u) {
      if (why_[u] != Why::kKeep) continue;
      if (Words(u) == 1 && IsCapsMarker(UnitText(u))) {
        why_[u] = Why::kMarker;
      } else if (IsVideoTitle(UnitText(u), Words(u))) {
        why_[u] = Why::kVideo;
      } else if (IsBareUrl(UnitText(u))) {
        // A link between sentences (the segmenter made it a unit): a
        // share link or an embed's address that a flattened page left in
        // the text, not article prose.
        why_[u] = Why::kUrl;
      }
    }
    for (size_t u = 0; u < units_.size(); ++u) {
      if (why_[u] == Why::kKeep) DropCaption(u);
    }
  }

  // An image caption closed by its credit ("... to his leftImage: Jane
  // Roe/Agency"): the credit's unit goes, with the units before it on its
  // line that run into it. How far back the caption goes, from what the
  // text shows:
  //  - the line start, a dropped unit (a bare URL, a marker, chrome) or a
  //    kept unit that ends a sentence bound it: captions are set apart from
  //    the prose around them, and on a flattened page the article's lead
  //    before a photo keeps its final stop while the photo's alt text and
  //    caption do not ("..., Sept. 3, 2025 In unprecedented scenes, ...");
  //  - a unit that starts with a digit after a stop does not count as a new
  //    sentence: the stop is an abbreviated date's ("Sept. 3, 2025");
  //  - a credit that is a unit of its own closes a caption that ended with
  //    its own stop ("The pier at dawn. Photograph: Jane Roe/Agency"): the
  //    sentence before it on the line goes too, but not a line above it
  //    (a lined page keeps the caption apart, where its extent is unknown);
  //  - at most kCaptionMaxWords words: alt text plus caption, not a
  //    paragraph.
  // Except a syndicated caption: when half of its words are carried by a
  // copy of the story on another source, the publisher's caption travels
  // with the article (a reprint keeps it, and so do the benchmark's gold
  // texts), so it stays. Copies on one source (two scrapes of one page)
  // are no evidence; a caption only one copy has is that page's figure.
  void DropCaption(size_t u) {
    size_t marker;
    if (!EndsWithCredit(UnitText(u), &marker)) return;
    size_t first = u, words = Words(u);
    bool own_stop = marker == 0;  // the unit is only the credit
    while (first > 0 && !units_[first].para) {
      const size_t prev = first - 1;
      if (why_[prev] != Why::kKeep || words + Words(prev) > kCaptionMaxWords) break;
      size_t n;
      const bool date = IsDigit(DecodeAt(UnitText(first), 0, &n));
      if (!own_stop && !date && EndsSentence(UnitText(prev))) break;
      own_stop = false;
      words += Words(prev);
      first = prev;
    }
    // Syndicated: half of its words lie in k-grams that a copy of the
    // story on another source has too.
    const std::vector<uint8_t>& syn = doc_.syndicated;
    if (!syn.empty()) {
      const auto k = static_cast<size_t>(opt_.site_ngram);
      size_t carried = 0;
      for (size_t x = first; x <= u; ++x) {
        for (size_t t = units_[x].tok_begin; t < units_[x].tok_end; ++t) {
          // Token t lies in the k-grams p = t-k+1 .. t.
          bool in = false;
          for (size_t p = t + 1 > k ? t + 1 - k : 0; p <= t && p < syn.size() && !in; ++p) in = syn[p];
          carried += in;
        }
      }
      if (2 * carried >= words) return;
    }
    for (size_t x = first; x <= u; ++x) why_[x] = Why::kCaption;
  }

  // 4 and 5.
  void DropEdges() {
    std::vector<size_t> kept;
    for (size_t u = 0; u < units_.size(); ++u) {
      if (why_[u] == Why::kKeep) kept.push_back(u);
    }
    if (read_more_ && !kept.empty() && !Prose(kept.front())) {
      why_[kept.front()] = Why::kExcerptTitle;
      kept.erase(kept.begin());
    }
    // UI placeholders, and what stands between them (a player widget:
    // "radio Loading ...", "ON AIR: 7:05 - 8:30", "NOW PLAYING ...").
    size_t last_ui = 0;  // 1 + the index in `kept` of the last placeholder
    for (size_t x = 0; x < kept.size() && !Prose(kept[x]); ++x) {
      if (IsUiPlaceholder(UnitText(kept[x]))) last_ui = x + 1;
    }
    for (size_t x = 0; x < last_ui; ++x) why_[kept[x]] = Why::kUi;
  }

  // The kept units joined: a line break before a unit that starts a line
  // (or follows one that did and had nothing but link markup), a space
  // before any other; each unit less its links' markup (LinkMarkup), one
  // piece per part.
  CleanedDocument Assemble() const {
    CleanedDocument out;
    CodePointCursor cursor(text_);
    uint32_t clean_cp = 0;
    std::vector<std::pair<uint32_t, uint32_t>> markup, parts;
    LinkMarkup(text_, &markup);
    size_t m = 0;
    bool para = false;
    for (size_t u = 0; u < units_.size(); ++u) {
      if (why_[u] != Why::kKeep) continue;
      const Unit& unit = units_[u];
      para |= unit.para;
      parts.clear();
      uint32_t from = unit.begin;
      while (m < markup.size() && markup[m].second <= from) ++m;
      for (size_t k = m; k < markup.size() && markup[k].first < unit.end; ++k) {
        if (markup[k].first > from) parts.push_back({from, markup[k].first});
        from = std::max(from, markup[k].second);
      }
      if (unit.end > from) parts.push_back({from, unit.end});
      if (parts.empty()) continue;
      if (!out.text.empty()) {
        out.text.push_back(para ? '\n' : ' ');
        ++clean_cp;
      }
      para = false;
      for (const auto& [pb, pe] : parts) {
        uint32_t a = cursor.ToCodePoint(pb), b = cursor.ToCodePoint(pe);
        out.text.append(text_.substr(pb, pe - pb));
        out.pieces.push_back({clean_cp, clean_cp + (b - a), a, b});
        clean_cp += b - a;
      }
    }
    return out;
  }

  std::string_view text_;
  uint32_t index_;
  DocState& doc_;
  std::vector<Unit>& units_;
  const CorpusLines& corpus_lines_;
  const CleanOptions& opt_;
  std::vector<Why> why_;
  bool read_more_ = false;  // the document had a "Read more at" footer: an excerpt
};

}  // namespace

std::vector<CleanedDocument> CleanDocuments(const Corpus& corpus, const std::vector<uint32_t>& cluster,
                                            const CleanOptions& options) {
  const size_t n = corpus.docs.size();
  std::vector<DocState> docs(n);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) { Prepare(corpus.docs[d], options, &docs[d]); });
  MarkChrome(cluster, options, &docs);
  const CorpusLines corpus_lines = IndexLines(cluster, options, docs);
  std::vector<CleanedDocument> out(n);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    out[d] = Cleaner(corpus.docs[d].text, static_cast<uint32_t>(d), docs[d], corpus_lines, options).Run();
    docs[d] = DocState();
  });
  return out;
}

}  // namespace doppel

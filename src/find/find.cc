// doppel find: tokenize -> boilerplate -> candidates -> align -> cluster.
#include "doppel/find.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "doppel/align.h"
#include "doppel/union_find.h"
#include "cluster/bridges.h"
#include "find/boilerplate.h"
#include "find/token_store.h"
#include "text/url.h"
#include "util/fd_io.h"
#include "util/run.h"

namespace doppel {
namespace {


uint32_t Unmasked(const std::vector<uint8_t>& mask, uint32_t begin, uint32_t end) {
  uint32_t c = 0;
  for (uint32_t i = begin; i < end; ++i) c += !mask[i];
  return c;
}

// Makes each web address of an inline link in `tokens` (Tokenize's, byte
// offsets) one token: an address in parentheses or angle brackets
// (Markdown's "[text](address)", "text (address)", "<address>"). An address
// is a dozen words ("https", "www", "example", "com", path words, numbers),
// which in a copy that carries its links inline break the passage at every
// link; as one token it is one inserted word, which alignment bridges. The
// token spans the address's words; its hash is the address's bytes, ASCII
// letters lower-cased. Other addresses stay words: one in a page's chrome
// ("www.example.com" in a footer) is then still a few words that noise
// breaks one at a time, not one long word that any noise in it changes
// (as one token, without a source field, pages of a noisy site joined
// through their chrome), and a short text that names an address keeps
// its words.
void CollapseUrls(std::string_view text, std::vector<Token>* tokens) {
  std::vector<Token>& t = *tokens;
  size_t w = 0;
  thread_local std::string lower;
  for (size_t i = 0; i < t.size();) {
    const bool inline_link = t[i].begin > 0 && (text[t[i].begin - 1] == '(' || text[t[i].begin - 1] == '<');
    if (!inline_link || !StartsUrl(text, t[i].begin)) {
      t[w++] = t[i++];
      continue;
    }
    const size_t end = UrlEnd(text, t[i].begin);
    size_t j = i + 1;
    while (j < t.size() && t[j].begin < end) ++j;
    lower.assign(text.substr(t[i].begin, t[j - 1].end - t[i].begin));
    for (char& c : lower) c = AsciiLowerByte(c);
    t[w++] = {Mix64(HashNormalized(lower) ^ 0x75726c), t[i].begin, t[j - 1].end};
    i = j;
  }
  t.resize(w);
}

}  // namespace

// Without a source field, sources are inferred from page templates: pages
// of one site open with the same navigation and close with the same footer,
// so documents that share their first or their last n-gram are put in one
// pseudo-source (connected components). It takes three different texts
// (identical texts count once): two copies of one story share their
// opening too, a template is what repeats beyond a pair, and identical
// documents are copies, not a site (on 7d4696d, three identical documents
// were taken for a template and did not join). Near-identical copies (one
// word changed, one cut off, OCR noise) are not told from a template here.
//
// (Keys at every place within the first and last 2n tokens were tried:
// they keep finding a site's pages under OCR noise, but they also join
// documents that share a phrase after a varying first word, and telling
// copies from pages by the middle of their texts took chrome-heavy pages
// for copies; bench/README.md.)
Status InferSources(TokenizedCorpus* tc, int gram_n) {
  const size_t n = tc->tokens.size();
  const auto k = static_cast<size_t>(gram_n);
  std::vector<std::pair<uint64_t, uint32_t>> edges;
  std::vector<uint64_t> text(n, 0);  // per document: the n-gram hash of its whole token sequence
  std::vector<uint64_t> first, last, whole;
  DOPPEL_RETURN_IF_ERROR(tc->tokens.ForEachWords(0, n, [&](size_t d, std::span<const uint32_t> t) {
    if (t.size() < k) return;
    GramHashes(t.first(k), gram_n, &first);
    GramHashes(t.last(k), gram_n, &last);
    edges.emplace_back(Mix64(first[0] ^ 0x1), static_cast<uint32_t>(d));
    edges.emplace_back(Mix64(last[0] ^ 0x2), static_cast<uint32_t>(d));
    GramHashes(t, static_cast<int>(t.size()), &whole);
    text[d] = whole[0];
  }));
  std::sort(edges.begin(), edges.end());
  UnionFind uf(n);
  std::vector<uint8_t> grouped(n, 0);
  for (size_t i = 0; i < edges.size();) {
    size_t j = i + 1;
    while (j < edges.size() && edges[j].first == edges[i].first) ++j;
    // Identical texts count once: a template is shared by three different
    // texts (copies of one story plus one other page that opens like it
    // are no site either).
    uint64_t seen[3];
    size_t distinct = 0;
    for (size_t q = i; q < j && j - i >= 3 && distinct < 3; ++q) {
      const uint64_t h = text[edges[q].second];
      if (std::find(seen, seen + distinct, h) == seen + distinct) seen[distinct++] = h;
    }
    for (size_t q = i + 1; q < j && distinct == 3; ++q) {
      uf.Union(edges[i].second, edges[q].second);
      grouped[edges[i].second] = grouped[edges[q].second] = 1;
    }
    i = j;
  }
  std::vector<uint32_t> id(n, 0);
  for (uint32_t d = 0; d < n; ++d) {
    if (!grouped[d]) continue;
    uint32_t root = uf.Find(d);
    if (id[root] == 0) id[root] = ++tc->sources;
    tc->source[d] = id[root];
  }
  return Status::Ok();
}

void TokenizeCodePoints(std::string_view text, std::vector<Token>* out, std::vector<TokenRange>* menus,
                        bool fold_lookalikes) {
  // Into scratch, then copied at its exact size: growing by doubling would
  // leave up to half of every list unused.
  thread_local std::vector<Token> scratch;
  thread_local std::vector<uint32_t> line_starts;
  scratch.clear();
  line_starts.clear();
  if (fold_lookalikes) {
    TokenizeFolded(text, &scratch);
  } else {
    Tokenize(text, &scratch);
  }
  CollapseUrls(text, &scratch);
  if (menus != nullptr) {
    for (size_t i = 1; i < scratch.size(); ++i) {
      if (BreaksLine(std::string_view(text.data() + scratch[i - 1].end, scratch[i].begin - scratch[i - 1].end))) {
        line_starts.push_back(static_cast<uint32_t>(i));
      }
    }
  }
  CodePointCursor cursor(text);  // tokens come in text order
  for (Token& t : scratch) {
    t.begin = cursor.ToCodePoint(t.begin);
    t.end = cursor.ToCodePoint(t.end);
  }
  if (menus != nullptr) FindMenus(scratch, line_starts, menus);
  out->insert(out->end(), scratch.begin(), scratch.end());
  ShrinkScratch(&scratch);
  ShrinkScratch(&line_starts);
}

uint64_t TokenFingerprint(std::span<const Token> tokens) {
  thread_local std::vector<uint64_t> hashes;
  hashes.clear();
  // Of the words (the low 32 bits) that the store keeps and find compares,
  // so that every test of "the same text" agrees (TokenStore).
  for (const Token& t : tokens) hashes.push_back(static_cast<uint32_t>(t.hash));
  return SequenceFingerprint(hashes);
}

namespace {

// Identical texts (the same tokens, at least min_tokens of them) are copies
// whatever chrome their source shows: two pages that are the same text are
// one story crawled twice or posted twice, even where what they share would
// otherwise count as the template of their source (a site, or without a
// source field a pseudo-source of pages that open alike, which newswire
// re-issues do). Each is paired with the first of them (a star of k - 1
// pairs for k copies), with one passage from its first word to the end of
// its last and coverage 1, unless alignment joined the two already
// (`joined`, sorted; that pair keeps alignment's passages). Tokens are
// compared, not only fingerprints: documents of one fingerprint whose
// tokens differ (a collision) are told apart, each text with its own first.
Result<std::vector<RelatedPair>> IdenticalPairs(const TokenizedCorpus& tc, const FindOptions& options,
                                                std::span<const std::pair<uint32_t, uint32_t>> joined) {
  const size_t n = tc.tokens.size();
  if (tc.fingerprint.size() != n) {
    return InvalidArgument("find: the tokenized corpus has no fingerprints (TokenizedCorpus::fingerprint)");
  }
  std::vector<std::pair<uint64_t, uint32_t>> by_print;  // (fingerprint, document)
  for (uint32_t d = 0; d < n; ++d) {
    if (tc.tokens.count(d) >= static_cast<size_t>(std::max(1, options.min_tokens))) {
      by_print.emplace_back(tc.fingerprint[d], d);
    }
  }
  std::sort(by_print.begin(), by_print.end());
  std::vector<std::pair<size_t, size_t>> runs;  // [begin, end) in by_print, two or more
  for (size_t i = 0; i < by_print.size();) {
    size_t j = i + 1;
    while (j < by_print.size() && by_print[j].first == by_print[i].first) ++j;
    if (j - i >= 2) runs.emplace_back(i, j);
    i = j;
  }
  std::vector<std::vector<RelatedPair>> found(runs.size());
  std::vector<Status> errors(runs.size());
  tbb::parallel_for(size_t{0}, runs.size(), [&](size_t r) {
    // The first document of each distinct text of the run (one, but for a
    // collision), with its tokens.
    struct First {
      uint32_t doc;
      std::vector<Token> tokens;
    };
    std::vector<First> firsts;
    std::vector<Token> buf;
    for (size_t i = runs[r].first; i < runs[r].second; ++i) {
      const uint32_t d = by_print[i].second;
      std::span<const Token> tokens;
      errors[r] = tc.tokens.Read(d, &buf, &tokens);
      if (!errors[r].ok()) return;
      const First* same = nullptr;
      for (const First& f : firsts) {
        if (f.tokens.size() == tokens.size() &&
            std::equal(tokens.begin(), tokens.end(), f.tokens.begin(),
                       [](const Token& x, const Token& y) { return x.hash == y.hash; })) {
          same = &f;
          break;
        }
      }
      if (same == nullptr) {
        firsts.push_back({d, std::vector<Token>(tokens.begin(), tokens.end())});
        continue;
      }
      if (std::binary_search(joined.begin(), joined.end(), std::make_pair(same->doc, d))) continue;
      RelatedPair p;
      p.a = same->doc;
      p.b = d;
      p.passages.push_back(
          {same->tokens.front().begin, same->tokens.back().end, tokens.front().begin, tokens.back().end, 1.0});
      p.coverage_a = p.coverage_b = 1.0;
      found[r].push_back(std::move(p));
    }
  });
  std::vector<RelatedPair> out;
  for (size_t r = 0; r < runs.size(); ++r) {
    if (!errors[r].ok()) return errors[r];
    for (RelatedPair& p : found[r]) out.push_back(std::move(p));
  }
  return out;
}

// The near-identical texts that boilerplate found (Boilerplate::NearCopy)
// and that neither alignment joined (`joined`, sorted) nor IdenticalPairs
// pairs (the same tokens), with their passages in code points and as
// coverage the share of each one's words beyond the chrome of its source
// (as boilerplate's story groups saw it) that matched.
Result<std::vector<RelatedPair>> NearCopyPairs(const TokenizedCorpus& tc, const Boilerplate& bp,
                                               std::span<const std::pair<uint32_t, uint32_t>> joined) {
  std::vector<RelatedPair> out;
  std::vector<Token> buf_a, buf_b;
  for (const Boilerplate::NearCopy& c : bp.near_copies) {
    if (std::binary_search(joined.begin(), joined.end(), std::make_pair(c.a, c.b))) continue;
    std::span<const Token> ta, tb;
    DOPPEL_RETURN_IF_ERROR(tc.tokens.Read(c.a, &buf_a, &ta));
    DOPPEL_RETURN_IF_ERROR(tc.tokens.Read(c.b, &buf_b, &tb));
    if (ta.size() == tb.size() &&
        std::equal(ta.begin(), ta.end(), tb.begin(), [](const Token& x, const Token& y) { return x.hash == y.hash; })) {
      continue;
    }
    RelatedPair r;
    r.a = c.a;
    r.b = c.b;
    for (const TokenPassage& p : c.passages) {
      const double sim = static_cast<double>(p.matched_a + p.matched_b) /
                         static_cast<double>((p.a_end - p.a_begin) + (p.b_end - p.b_begin));
      r.passages.push_back({ta[p.a_begin].begin, ta[p.a_end - 1].end, tb[p.b_begin].begin, tb[p.b_end - 1].end, sim});
    }
    r.coverage_a = c.coverage_a;
    r.coverage_b = c.coverage_b;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

Status CheckFindOptions(const FindOptions& options) {
  if (options.boiler_ngram < 1 || options.align_ngram < 1) return InvalidArgument("n-gram sizes must be positive");
  if (!(options.min_coverage > 0 && options.min_coverage <= 1)) {
    return InvalidArgument("--min-coverage must be in (0, 1]");
  }
  if (!(options.min_shared_per_word >= 0 && options.min_shared_per_word <= 1)) {
    return InvalidArgument("min_shared_per_word must be in [0, 1]");
  }
  if (options.bridge_min_neighbours < 0) return InvalidArgument("--bridge-neighbours must be at least 0");
  if (!(options.bridge_max_shared >= 0 && options.bridge_max_shared < 1)) {
    return InvalidArgument("bridge_max_shared must be in [0, 1)");
  }
  return Status::Ok();
}

Result<FindResult> FindCopies(const Corpus& corpus, const FindOptions& options) {
  DOPPEL_RETURN_IF_ERROR(CheckFindOptions(options));
  const auto t = Clock::now();
  const size_t n = corpus.docs.size();
  TokenizedCorpus tc{TokenStore(TokenMemory(options), ScratchDir(options.tmp_dir)), {}, 0, false, {}, {}, {}};
  tc.source.assign(n, 0);
  std::unordered_map<std::string_view, uint32_t> ids;
  for (size_t d = 0; d < n; ++d) {
    const std::string& s = corpus.docs[d].source;
    if (s.empty()) continue;
    auto [it, added] = ids.emplace(s, tc.sources + 1);
    if (added) ++tc.sources;
    tc.source[d] = it->second;
  }
  std::vector<PackedTokens> packed(n);
  std::vector<std::vector<TokenRange>> menus(n);
  tc.fingerprint.resize(n);
  tbb::parallel_for(size_t{0}, n, [&](size_t d) {
    thread_local std::vector<Token> tokens;
    tokens.clear();
    TokenizeCodePoints(corpus.docs[d].text, &tokens, &menus[d], options.fold_lookalikes);
    tc.fingerprint[d] = TokenFingerprint(tokens);
    TokenStore::Pack(tokens, &packed[d]);
    ShrinkScratch(&tokens);
  });
  for (size_t d = 0; d < n; ++d) {
    tc.AddMenus(static_cast<uint32_t>(d), menus[d]);
    DOPPEL_RETURN_IF_ERROR(tc.tokens.Append(std::move(packed[d])));
  }
  DOPPEL_RETURN_IF_ERROR(tc.tokens.Finish());
  const double seconds = Since(t);
  auto result = FindInTokens(std::move(tc), options);
  if (result.ok()) result->stages.insert(result->stages.begin(), StageTime{"tokenize", seconds});
  return result;
}

Result<FindResult> FindInTokens(TokenizedCorpus tc, const FindOptions& options) {
  DOPPEL_RETURN_IF_ERROR(CheckFindOptions(options));
  FindResult result;
  const size_t n = tc.tokens.size();
  auto t = Clock::now();
  if (tc.sources == 0 && options.use_sources) {
    DOPPEL_RETURN_IF_ERROR(InferSources(&tc, options.boiler_ngram));
    tc.sources_inferred = true;
  }
  // A source of one document gives no evidence of chrome: as if it had no
  // source. Two documents of a source are enough: what they share is its
  // template unless it is one story, which other sources carry as well
  // (boilerplate's story groups). Per source, whether it is large
  // (kLargeSource; a given source only).
  std::vector<uint8_t> large_source(tc.sources + 1, 0);
  {
    std::vector<uint32_t> docs_of(tc.sources + 1, 0);
    for (uint32_t s : tc.source) ++docs_of[s];
    for (uint32_t& s : tc.source) {
      if (s != 0 && docs_of[s] < 2) s = 0;
    }
    for (uint32_t s = 1; s <= tc.sources; ++s) large_source[s] = !tc.sources_inferred && docs_of[s] >= kLargeSource;
  }
  // Entries, postings and anchors are numbered in 32 bits.
  const uint64_t words = tc.tokens.total();
  if (words >= UINT32_MAX) {
    return InvalidArgument(fmt::format("the input holds {} words; find takes at most 4 billion in one run; "
                                       "split the input into several runs",
                                       words));
  }
  result.stages.push_back({"sources", Since(t)});

  t = Clock::now();
  auto found_bp = FindBoilerplate(tc, options);
  if (!found_bp.ok()) return found_bp.status();
  Boilerplate& bp = *found_bp;
  result.stages.push_back({"boilerplate", Since(t)});
  const size_t work = WorkingMemory(options, tc.tokens);
  result.memory.tokens_spilled = tc.tokens.spilled();
  result.memory.working_bytes = work;
  result.memory.ngram_partitions = bp.partitions;
  result.memory.postings_spilled = bp.postings.spilled();
  result.memory.flag_bytes = bp.chrome.bytes();

  // Candidates: pairs sharing min_shared n-grams that are not chrome and in
  // at most df_cap documents, and min_shared_per_word of the shorter article
  // (half of each where either document is Boilerplate::broken).
  t = Clock::now();
  // For each document, the rest of every posting list (of 2..cap documents,
  // ascending) it is in: the documents after it, which are the only ones it
  // is counted against. A range of documents at a time: the lists that hold
  // one of them (not last) are copied from the first of them on into
  // `rest`, and each document of the range gets the rest of each of its
  // lists as a slice of that copy (or of the postings themselves, when they
  // are one block in memory). A range holds its `cost` (4 bytes per
  // document after it in each list, 8 per slice) within half of the
  // working memory (the postings may hold the other half), or within a
  // 64th of the whole cost when that is more, and
  // at most 4 GiB; a document whose cost alone exceeds it is a range of its
  // own. So there are at most about 128 ranges (each one more scan of the
  // postings) unless the cost passes 2^38 bytes. Offsets into `rest` and
  // the postings fit in 32 bits because FindInTokens refuses corpora of
  // 2^32 words (a range copies at most every posting once).
  const std::span<const uint32_t> whole = bp.postings.Contiguous().size() < UINT32_MAX
                                              ? bp.postings.Contiguous()
                                              : std::span<const uint32_t>();
  // With the postings in one block nothing is copied: a range's cost is its
  // slices alone.
  std::vector<uint64_t> slices_at(n + 1, 0), cost(whole.empty() ? n + 1 : 0, 0);
  DOPPEL_RETURN_IF_ERROR(bp.postings.ForEachList([&](std::span<const uint32_t> list) {
    for (size_t k = 0; k + 1 < list.size(); ++k) {
      ++slices_at[list[k] + 1];
      if (!cost.empty()) cost[list[k] + 1] += 8 + 4 * (list.size() - k - 1);
    }
  }));
  for (size_t d = 0; d < n; ++d) slices_at[d + 1] += slices_at[d];
  if (cost.empty()) {
    cost.resize(n + 1);
    for (size_t d = 0; d <= n; ++d) cost[d] = 8 * slices_at[d];
  } else {
    for (size_t d = 0; d < n; ++d) cost[d + 1] += cost[d];
  }
  const uint64_t max_cost = std::min<uint64_t>(std::max<uint64_t>({1, work / 2, cost[n] / 64}), uint64_t{1} << 32);
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> per_doc(n);
  tbb::enumerable_thread_specific<std::vector<uint32_t>> counters([n] { return std::vector<uint32_t>(n, 0); });
  std::vector<uint32_t> rest;
  std::vector<std::pair<uint32_t, uint32_t>> slices;  // [begin, end) in `whole`, else in rest
  for (size_t d0 = 0; d0 < n;) {
    size_t d1 = d0 + 1;
    while (d1 < n && cost[d1 + 1] - cost[d0] <= max_cost) ++d1;
    const uint64_t base = slices_at[d0];
    ++result.memory.candidate_ranges;
    rest.clear();
    slices.resize(slices_at[d1] - base);
    std::vector<uint64_t> fill(slices_at.begin() + static_cast<ptrdiff_t>(d0),
                               slices_at.begin() + static_cast<ptrdiff_t>(d1));
    DOPPEL_RETURN_IF_ERROR(bp.postings.ForEachList([&](std::span<const uint32_t> list) {
      const size_t k = static_cast<size_t>(std::lower_bound(list.begin(), list.end(), d0) - list.begin());
      if (k + 1 >= list.size() || list[k] >= d1) return;
      // src[at + i] is list[k + 1 + i]
      uint32_t at;
      if (!whole.empty()) {
        at = static_cast<uint32_t>(list.data() - whole.data() + static_cast<ptrdiff_t>(k + 1));
      } else {
        at = static_cast<uint32_t>(rest.size());
        rest.insert(rest.end(), list.begin() + static_cast<ptrdiff_t>(k + 1), list.end());
      }
      for (size_t j = k; j + 1 < list.size() && list[j] < d1; ++j) {
        slices[fill[list[j] - d0]++ - base] = {at + static_cast<uint32_t>(j - k),
                                               at + static_cast<uint32_t>(list.size() - 1 - k)};
      }
    }));
    const uint32_t* src = whole.empty() ? rest.data() : whole.data();
    tbb::parallel_for(d0, d1, [&](size_t d) {
      std::vector<uint32_t>& count = counters.local();
      std::vector<uint32_t> touched;
      for (uint64_t l = slices_at[d]; l < slices_at[d + 1]; ++l) {
        for (uint32_t x = slices[l - base].first; x < slices[l - base].second; ++x) {
          const uint32_t other = src[x];  // > d: lists are ascending
          if (count[other]++ == 0) touched.push_back(other);
        }
      }
      std::sort(touched.begin(), touched.end());
      for (uint32_t other : touched) {
        const uint32_t shorter = std::min(bp.article_tokens[d], bp.article_tokens[other]);
        // A page of a source whose chrome noise breaks (Boilerplate::broken)
        // keeps fewer of the n-grams its copies share: half the bounds.
        const bool broken = bp.broken[d] || bp.broken[other];
        const int need = broken ? (options.min_shared + 1) / 2 : options.min_shared;
        const double per_word = broken ? options.min_shared_per_word / 2 : options.min_shared_per_word;
        if (count[other] >= static_cast<uint32_t>(need) && count[other] >= per_word * shorter) {
          per_doc[d].emplace_back(static_cast<uint32_t>(d), other);
        }
        count[other] = 0;
      }
    });
    d0 = d1;
  }
  std::vector<std::pair<uint32_t, uint32_t>> candidates;
  for (auto& v : per_doc) candidates.insert(candidates.end(), v.begin(), v.end());
  bp.postings = PostingStore();
  std::vector<uint32_t>().swap(rest);
  std::vector<std::pair<uint32_t, uint32_t>>().swap(slices);
  result.candidates = candidates.size();
  result.stages.push_back({"candidates", Since(t)});

  // Alignment of every candidate.
  t = Clock::now();
  AlignOptions ao;
  ao.n = options.align_ngram;
  ao.max_gap = options.max_gap > 0 ? options.max_gap : 2 * options.boiler_ngram;
  // Candidates are aligned in batches of consecutive pairs whose documents'
  // tokens, with their masks and anchors, fit the working memory
  // (kBatchBytesPerToken, TokenStore::ForEachPairBatch),
  // with the masks and anchors of a batch's documents built once per batch;
  // one batch holds everything when the corpus fits.
  const uint64_t budget = std::max<uint64_t>(1, work / kBatchBytesPerToken);
  std::span<const uint32_t> batch_docs;
  struct Indexed {
    std::vector<uint8_t> mask;  // chrome per token
    AnchorIndex anchors;
  };
  std::vector<Indexed> indexed;  // per batch document
  auto indexed_of = [&](uint32_t d) -> const Indexed& {
    return indexed[static_cast<size_t>(std::lower_bound(batch_docs.begin(), batch_docs.end(), d) - batch_docs.begin())];
  };
  std::vector<RelatedPair> related(candidates.size());
  std::vector<uint8_t> joins(candidates.size(), 0);
  // Read errors of the batch's pairs (a batch at a time: a Status per
  // candidate of the corpus would take 32 bytes each).
  std::vector<Status> errors;
  auto align_batch = [&](size_t c0, size_t c1) -> Status {
    errors.assign(c1 - c0, Status::Ok());
    tbb::parallel_for(c0, c1, [&](size_t c) {
      auto [a, b] = candidates[c];
      const Indexed& xa = indexed_of(a);
      const Indexed& xb = indexed_of(b);
      // Gaps are bridged by single words only where the documents' chrome
      // is known (align.h): where both have a source, or where one is a
      // page of a large source (kLargeSource), whose chrome is masked
      // there, so a block of chrome on both pages cannot carry a bridge.
      // Chrome is learned per source unless options.use_sources is off.
      AlignOptions pair_ao = ao;
      pair_ao.bridge = options.use_sources && ((tc.source[a] != 0 && tc.source[b] != 0) ||
                                               large_source[tc.source[a]] || large_source[tc.source[b]]);
      const uint32_t art_a = bp.article_tokens[a], art_b = bp.article_tokens[b];
      const bool a_shorter = art_a <= art_b;
      std::vector<TokenPassage> passages;
      uint32_t cov_a = 0, cov_b = 0;
      // Whether the passages cover enough of the article text of the
      // shorter document.
      auto align = [&]() {
        passages = AlignDocuments(xa.anchors, xb.anchors, pair_ao);
        cov_a = cov_b = 0;
        for (const TokenPassage& p : passages) {
          cov_a += Unmasked(xa.mask, p.a_begin, p.a_end);
          cov_b += Unmasked(xb.mask, p.b_begin, p.b_end);
        }
        const uint32_t covered = a_shorter ? cov_a : cov_b;
        const uint32_t article = a_shorter ? art_a : art_b;
        const double share = article ? static_cast<double>(covered) / article : 0.0;
        return !passages.empty() && share >= options.min_coverage &&
               covered >= static_cast<uint32_t>(options.min_tokens);
      };
      // Aligned on the n-grams each document has once; where that does not
      // join them and the n-grams one has twice add anchors (documents with
      // a given source: a headline, a lead or a paragraph a page repeats),
      // again with those. Only these pairs pay for it (bench/README.md,
      // "Anchors seen twice").
      pair_ao.twice = false;
      bool join = align();
      if (!join && CountTwiceAnchors(xa.anchors, xb.anchors) >= static_cast<size_t>(pair_ao.min_anchors)) {
        pair_ao.twice = true;
        join = align();
      }
      if (!join) return;
      const double ca = art_a ? static_cast<double>(cov_a) / art_a : 0.0;
      const double cb = art_b ? static_cast<double>(cov_b) / art_b : 0.0;
      joins[c] = 1;
      RelatedPair& r = related[c];
      r.a = a;
      r.b = b;
      r.coverage_a = std::min(1.0, ca);
      r.coverage_b = std::min(1.0, cb);
      thread_local std::vector<Token> buf_a, buf_b;
      std::span<const Token> ta, tb;
      Status& error = errors[c - c0];
      error = tc.tokens.Read(a, &buf_a, &ta);
      if (error.ok()) error = tc.tokens.Read(b, &buf_b, &tb);
      if (!error.ok()) return;
      // Token offsets are code points already (TokenizeCodePoints).
      for (const TokenPassage& p : passages) {
        const double sim = static_cast<double>(p.matched_a + p.matched_b) /
                           static_cast<double>((p.a_end - p.a_begin) + (p.b_end - p.b_begin));
        r.passages.push_back({ta[p.a_begin].begin, ta[p.a_end - 1].end, tb[p.b_begin].begin, tb[p.b_end - 1].end, sim});
      }
    });
    for (const Status& e : errors) {
      if (!e.ok()) return e;
    }
    return Status::Ok();
  };
  DOPPEL_RETURN_IF_ERROR(tc.tokens.ForEachPairBatch(
      candidates, budget, [&](size_t c0, size_t c1, std::span<const uint32_t> docs) -> Status {
        batch_docs = docs;
        ++result.memory.align_batches;
        indexed.clear();  // the last batch's indexes freed
        indexed.resize(docs.size());
        DOPPEL_RETURN_IF_ERROR(tc.tokens.ForEachWordsOf(docs, [&](size_t i, uint32_t d, std::span<const uint32_t> words) {
          Mask(bp, d, words.size(), &indexed[i].mask);
          // N-grams seen twice anchor only where the document's chrome is
          // known from a given source: elsewhere a page's repeated menu
          // items would anchor its chrome, and without a source field the
          // repeated rows of two reports' tables anchor them to each other
          // (bench/README.md, "Anchors seen twice").
          const bool twice = options.use_sources && !tc.sources_inferred && tc.source[d] != 0;
          indexed[i].anchors = BuildAnchorIndex(words, indexed[i].mask, ao.n, twice);
        }));
        return align_batch(c0, c1);
      }));
  result.stages.push_back({"align", Since(t)});

  // Clusters: the pairs that aligned, and identical texts, less the pairs
  // that bridge two groups of copies without sharing any (bridges.h).
  t = Clock::now();
  // Sorted: candidates are (d, e) with e > d, in order of d, then of e.
  std::vector<std::pair<uint32_t, uint32_t>> joined;
  std::vector<RelatedPair> pairs;
  for (size_t c = 0; c < candidates.size(); ++c) {
    if (!joins[c]) continue;
    joined.push_back(candidates[c]);
    pairs.push_back(std::move(related[c]));
  }
  assert(std::is_sorted(joined.begin(), joined.end()));
  auto identical = IdenticalPairs(tc, options, joined);
  if (!identical.ok()) return identical.status();
  result.identical_pairs = identical->size();
  auto near = NearCopyPairs(tc, bp, joined);
  if (!near.ok()) return near.status();
  result.near_copy_pairs = near->size();
  for (RelatedPair& p : *identical) pairs.push_back(std::move(p));
  for (RelatedPair& p : *near) pairs.push_back(std::move(p));
  std::vector<uint32_t> order(pairs.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return pairs[x].a != pairs[y].a ? pairs[x].a < pairs[y].a : pairs[x].b < pairs[y].b;
  });
  // Identical texts are never bridges, whether IdenticalPairs added them
  // or alignment joined them (told by the fingerprint of their tokens; a
  // collision would only keep a pair); nor are near-identical texts
  // (Boilerplate::IsNearCopy), whether NearCopyPairs added them or
  // alignment joined them.
  // Where each pair's passages lie, and whether they are a minor part of
  // one document (below min_coverage of its article text: a block in a
  // longer page, such as a teaser of the other's story; bridges.h).
  std::vector<std::pair<uint32_t, uint32_t>> edges(order.size());
  std::vector<char> keep(order.size());
  std::vector<EdgeSpan> spans(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    const RelatedPair& p = pairs[order[i]];
    edges[i] = {p.a, p.b};
    keep[i] = tc.fingerprint[p.a] == tc.fingerprint[p.b] || bp.IsNearCopy(p.a, p.b);
    EdgeSpan& s = spans[i];
    if (!p.passages.empty()) {
      s.a_begin = s.b_begin = UINT32_MAX;
      for (const Passage& q : p.passages) {
        s.a_begin = std::min(s.a_begin, q.a_start);
        s.a_end = std::max(s.a_end, q.a_end);
        s.b_begin = std::min(s.b_begin, q.b_start);
        s.b_end = std::max(s.b_end, q.b_end);
      }
      s.a_minor = p.coverage_a < options.min_coverage;
      s.b_minor = p.coverage_b < options.min_coverage;
      s.a_cover = static_cast<float>(p.coverage_a);
      s.b_cover = static_cast<float>(p.coverage_b);
    }
  }
  std::vector<char> bridge =
      FindBridges(n, edges, keep, options.bridge_min_neighbours, options.bridge_max_shared, spans);
  // Then documents with a second story of their own (bridges.h).
  const std::vector<char> junction = FindJunctions(n, edges, spans, bridge, keep, options.bridge_min_neighbours);
  for (size_t i = 0; i < bridge.size(); ++i) bridge[i] |= junction[i];
  UnionFind uf(n);
  for (size_t i = 0; i < order.size(); ++i) {
    if (bridge[i]) {
      ++result.bridges;
      continue;
    }
    uf.Union(edges[i].first, edges[i].second);
    result.pairs.push_back(std::move(pairs[order[i]]));
  }
  result.cluster.resize(n);
  for (uint32_t d = 0; d < n; ++d) result.cluster[d] = uf.Find(d);
  result.stages.push_back({"cluster", Since(t)});
  return result;
}

}  // namespace doppel

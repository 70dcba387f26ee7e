// Synthetic corpora with planted near-duplicates, for the dedup tests.
//
// Documents are sequences of pseudo-words from a random vocabulary. Some
// documents get variants: copies in which words are substituted, inserted
// or deleted until the 5-gram Jaccard similarity with the parent is as close
// as possible to a target drawn from [0.5, 1.0]; others get exact or
// cosmetic copies (capitalization and punctuation only, so the same tokens).
// Variants of variants make chains, whose ends may be less similar than the
// threshold while the links are not. Everything follows from the seed.
#ifndef DOPPEL_TESTS_CORPUS_GEN_H_
#define DOPPEL_TESTS_CORPUS_GEN_H_

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "doppel/text.h"
#include "test_util.h"

namespace doppel_test {

struct GenOptions {
  uint64_t seed = 1;
  int vocabulary = 4000;
  int base_docs = 700;
  int min_words = 50;
  int max_words = 400;
  double family_fraction = 0.5;  // base documents that get variants
  int max_variants = 3;          // per family
  int ngram = 5;                 // the shingle size the targets refer to
  int short_docs = 0;            // extra documents of 1..19 words, with copies
  bool empty_docs = false;       // a few empty or punctuation-only texts
};

struct GenDoc {
  std::string id;
  std::string text;
  int family = -1;       // index of the base document it derives from, -1 for none
  double target = 0;     // planted similarity to its parent (variants)
};

class CorpusGenerator {
 public:
  explicit CorpusGenerator(const GenOptions& o) : o_(o), rng_(o.seed) {
    std::set<std::string> seen;
    while (static_cast<int>(words_.size()) < o_.vocabulary) {
      std::string w = PseudoWord(rng_, 2 + static_cast<int>(rng_.Below(8)));
      if (seen.insert(w).second) words_.push_back(w);
    }
    for (const std::string& w : words_) {
      std::vector<uint64_t> h;
      doppel::TokenHashes(w, &h);
      word_hash_.push_back(h.at(0));
    }
  }

  std::vector<GenDoc> Generate() {
    std::vector<Draft> drafts;
    for (int b = 0; b < o_.base_docs; ++b) {
      Draft base{RandomWords(static_cast<int>(rng_.Range(o_.min_words, o_.max_words))), -1, 0, false};
      drafts.push_back(base);
      if (rng_.Uniform() >= o_.family_fraction) continue;
      drafts.back().family = b;
      std::vector<size_t> members = {drafts.size() - 1};
      const int variants = 1 + static_cast<int>(rng_.Below(static_cast<uint64_t>(o_.max_variants)));
      for (int v = 0; v < variants; ++v) {
        // Parent: the base mostly, sometimes an earlier variant (chains).
        const Draft parent = drafts[members[rng_.Below(10) < 7 ? 0 : rng_.Below(members.size())]];
        Draft d;
        d.family = b;
        const double kind = rng_.Uniform();
        if (kind < 0.12) {
          d.words = parent.words;  // exact copy
          d.target = 1.0;
        } else if (kind < 0.22) {
          d.words = parent.words;  // same tokens, different surface
          d.target = 1.0;
          d.cosmetic = true;
        } else {
          d.target = 0.5 + 0.5 * rng_.Uniform();
          d.words = MutateTo(parent.words, d.target);
        }
        drafts.push_back(d);
        members.push_back(drafts.size() - 1);
      }
    }
    for (int s = 0; s < o_.short_docs; ++s) {
      // Short texts around the 20-word limit, each with an exact copy.
      Draft d{RandomWords(1 + static_cast<int>(rng_.Below(22))), -1, 0, false};
      drafts.push_back(d);
      drafts.push_back(d);
    }
    rng_.Shuffle(&drafts);
    std::vector<GenDoc> docs;
    for (const Draft& d : drafts) docs.push_back({"", Render(d.words, d.cosmetic), d.family, d.target});
    if (o_.empty_docs) {
      for (std::string t : {"", "", " ... — !!", "   "}) {
        docs.insert(docs.begin() + static_cast<ptrdiff_t>(rng_.Below(docs.size() + 1)), GenDoc{"", t, -1, 0});
      }
    }
    for (size_t i = 0; i < docs.size(); ++i) docs[i].id = fmt::format("d{:05}", i);
    return docs;
  }

  // Exact Jaccard of the n-gram shingle sets of two word sequences.
  double WordsJaccard(const std::vector<int>& a, const std::vector<int>& b) const {
    std::vector<uint64_t> sa = ShingleSet(a), sb = ShingleSet(b);
    return doppel::Jaccard(sa, sb);
  }

 private:
  struct Draft {
    std::vector<int> words;
    int family = -1;
    double target = 0;
    bool cosmetic = false;
  };
  struct Edit {
    int kind;         // 0 substitute, 1 insert, 2 delete
    double position;  // fraction of the current length
    int word;
  };

  int RandomWord() {
    // Mildly skewed towards common words, as text is.
    double u = rng_.Uniform();
    return static_cast<int>(u * u * o_.vocabulary);
  }
  std::vector<int> RandomWords(int n) {
    std::vector<int> w;
    for (int i = 0; i < n; ++i) w.push_back(RandomWord());
    return w;
  }
  std::vector<uint64_t> ShingleSet(const std::vector<int>& words) const {
    std::vector<uint64_t> tokens, shingles;
    for (int w : words) tokens.push_back(word_hash_[static_cast<size_t>(w)]);
    doppel::ShingleHashes(tokens, o_.ngram, &shingles);
    doppel::SortUnique(&shingles);
    return shingles;
  }
  static std::vector<int> Apply(std::vector<int> words, const std::vector<Edit>& edits, size_t k) {
    for (size_t i = 0; i < k; ++i) {
      const Edit& e = edits[i];
      const size_t at = static_cast<size_t>(e.position * static_cast<double>(words.size()));
      if (e.kind == 0 && !words.empty()) {
        words[std::min(at, words.size() - 1)] = e.word;
      } else if (e.kind == 1) {
        words.insert(words.begin() + static_cast<ptrdiff_t>(std::min(at, words.size())), e.word);
      } else if (words.size() > 1) {
        words.erase(words.begin() + static_cast<ptrdiff_t>(std::min(at, words.size() - 1)));
      }
    }
    return words;
  }
  // The prefix of a random edit sequence whose result is closest to the
  // target similarity (similarity falls roughly monotonically with edits).
  std::vector<int> MutateTo(const std::vector<int>& parent, double target) {
    std::vector<Edit> edits;
    for (size_t i = 0; i < parent.size(); ++i) {
      uint64_t r = rng_.Below(10);
      edits.push_back({r < 6 ? 0 : (r < 8 ? 1 : 2), rng_.Uniform(), RandomWord()});
    }
    size_t lo = 0, hi = edits.size();
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (WordsJaccard(parent, Apply(parent, edits, mid)) > target) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    size_t best = lo;
    if (lo > 0 && std::abs(WordsJaccard(parent, Apply(parent, edits, lo - 1)) - target) <
                      std::abs(WordsJaccard(parent, Apply(parent, edits, lo)) - target)) {
      best = lo - 1;
    }
    return Apply(parent, edits, best);
  }
  // Words as text: sentences with capitals and punctuation. The cosmetic
  // form changes only what tokenization ignores.
  std::string Render(const std::vector<int>& words, bool cosmetic) {
    std::string s;
    bool sentence_start = true;
    for (size_t i = 0; i < words.size(); ++i) {
      std::string w = words_[static_cast<size_t>(words[i])];
      auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
      if (sentence_start || (cosmetic && rng_.Below(4) == 0)) w[0] = upper(w[0]);
      if (cosmetic && rng_.Below(6) == 0) {
        for (char& c : w) c = upper(c);
      }
      if (cosmetic && rng_.Below(8) == 0) w = "“" + w + "”";
      if (!s.empty()) s += cosmetic && rng_.Below(10) == 0 ? " — " : " ";
      s += w;
      sentence_start = false;
      uint64_t p = rng_.Below(cosmetic ? 8 : 12);
      if (p == 0) {
        s += cosmetic ? "!" : ".";
        sentence_start = true;
      } else if (p == 1) {
        s += cosmetic ? ";" : ",";
      }
    }
    if (!s.empty()) s += ".";
    return s;
  }

  GenOptions o_;
  Rng rng_;
  std::vector<std::string> words_;
  std::vector<uint64_t> word_hash_;
};

// One JSONL line per document: {"id":"...","text":"..."}. The generated texts
// hold no characters that JSON must escape.
inline std::string ToJsonl(const std::vector<GenDoc>& docs) {
  std::string out;
  for (const GenDoc& d : docs) out += fmt::format("{{\"id\":\"{}\",\"text\":\"{}\"}}\n", d.id, d.text);
  return out;
}

}  // namespace doppel_test

#endif  // DOPPEL_TESTS_CORPUS_GEN_H_

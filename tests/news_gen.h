// News-like synthetic text for the find and fuse tests: articles made of
// sentences of pseudo-words with Zipf-like word frequencies (so common
// function words recur across articles, as in real text), capitalized
// sentence starts, periods and paragraphs. Everything follows from the seed.
#ifndef DOPPEL_TESTS_NEWS_GEN_H_
#define DOPPEL_TESTS_NEWS_GEN_H_

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "test_util.h"

namespace doppel_test {

class NewsGen {
 public:
  explicit NewsGen(uint64_t seed, int vocabulary = 6000) : rng_(seed) {
    std::set<std::string> seen;
    while (static_cast<int>(words_.size()) < vocabulary) {
      std::string w = PseudoWord(rng_, 2 + static_cast<int>(rng_.Below(9)));
      if (seen.insert(w).second) words_.push_back(w);
    }
    // Zipf weights, as a cumulative table.
    double total = 0;
    for (size_t i = 0; i < words_.size(); ++i) {
      total += 1.0 / static_cast<double>(i + 1);
      cumulative_.push_back(total);
    }
  }

  Rng& rng() { return rng_; }

  std::string Word() {
    double x = rng_.Uniform() * cumulative_.back();
    size_t lo = 0, hi = cumulative_.size() - 1;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (cumulative_[mid] < x) lo = mid + 1; else hi = mid;
    }
    return words_[lo];
  }

  // A sentence of `words` words, capitalized, ending with a period.
  std::string Sentence(int words) {
    std::string s;
    for (int i = 0; i < words; ++i) {
      std::string w = Word();
      if (i == 0) w[0] = static_cast<char>(w[0] - 32);
      if (i) s += (i % 9 == 4) ? ", " : " ";
      s += w;
    }
    return s + ".";
  }

  // A paragraph of 2-5 sentences.
  std::string Paragraph() {
    std::string p;
    const int sentences = 2 + static_cast<int>(rng_.Below(4));
    for (int i = 0; i < sentences; ++i) {
      if (i) p += ' ';
      p += Sentence(8 + static_cast<int>(rng_.Below(18)));
    }
    return p;
  }

  // An article: a headline and `paragraphs` paragraphs, one per line.
  std::vector<std::string> Article(int paragraphs) {
    std::vector<std::string> lines;
    std::string title = Sentence(6);
    title.pop_back();
    lines.push_back(title);
    for (int i = 0; i < paragraphs; ++i) lines.push_back(Paragraph());
    return lines;
  }

  // A line of site chrome: short capitalized menu words.
  std::string MenuLine(int items) {
    std::string s;
    for (int i = 0; i < items; ++i) {
      std::string w = Word();
      w[0] = static_cast<char>(w[0] - 32);
      if (i) s += " | ";
      s += w;
    }
    return s;
  }

 private:
  Rng rng_;
  std::vector<std::string> words_;
  std::vector<double> cumulative_;
};

inline std::string JoinLines(const std::vector<std::string>& lines, const char* sep = "\n") {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += sep;
    out += lines[i];
  }
  return out;
}

}  // namespace doppel_test

#endif  // DOPPEL_TESTS_NEWS_GEN_H_

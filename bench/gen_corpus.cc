// Generates a news-like JSONL corpus for scale benchmarks:
//   gen_corpus DOCS SEED > corpus.jsonl
// Sites have their own chrome (menus, footers); stories are published on one
// to four sites, some copies cut short or reduced to an excerpt. Word
// frequencies follow a Zipf law over a pseudo-word vocabulary. The output
// depends only on DOCS and SEED.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  double Uniform() { return static_cast<double>(Next() >> 11) / 9007199254740992.0; }
};

class Words {
 public:
  explicit Words(Rng* rng) : rng_(rng) {
    for (int i = 0; i < 50000; ++i) {
      std::string w;
      int len = 2 + static_cast<int>(rng_->Below(9));
      for (int j = 0; j < len; ++j) w.push_back(static_cast<char>('a' + rng_->Below(26)));
      words_.push_back(w);
      total_ += 1.0 / (i + 1);
      cum_.push_back(total_);
    }
  }
  const std::string& Word() {
    double x = rng_->Uniform() * total_;
    size_t lo = 0, hi = cum_.size() - 1;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (cum_[mid] < x) lo = mid + 1; else hi = mid;
    }
    return words_[lo];
  }
  std::string Sentence(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) {
      std::string w = Word();
      if (i == 0) w[0] = static_cast<char>(w[0] - 32);
      if (i) s += ' ';
      s += w;
    }
    return s + ".";
  }

 private:
  Rng* rng_;
  std::vector<std::string> words_;
  std::vector<double> cum_;
  double total_ = 0;
};

void Json(std::string* out, const std::string& s) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gen_corpus DOCS [SEED]\n");
    return 2;
  }
  const long docs = std::atol(argv[1]);
  Rng rng{argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1};
  Words words(&rng);
  const long sites = std::max(4L, docs / 60);
  std::vector<std::string> header(sites), footer(sites);
  for (long s = 0; s < sites; ++s) {
    for (int i = 0; i < 8; ++i) header[s] += words.Sentence(1) + (i < 7 ? " | " : "\n");
    footer[s] = std::string("Copyright ").append(words.Sentence(12)).append("\n").append(words.Sentence(9));
  }
  long written = 0, story = 0;
  std::string line;
  while (written < docs) {
    // One story and its copies.
    std::vector<std::string> paras;
    const int np = 2 + static_cast<int>(rng.Below(5));
    for (int p = 0; p < np; ++p) {
      std::string para;
      const int ns = 1 + static_cast<int>(rng.Below(3));
      for (int k = 0; k < ns; ++k) para.append(k ? " " : "").append(words.Sentence(8 + static_cast<int>(rng.Below(16))));
      paras.push_back(para);
    }
    const double r = rng.Uniform();
    const int copies = r < 0.6 ? 1 : r < 0.85 ? 2 : r < 0.95 ? 3 : 4;
    for (int c = 0; c < copies && written < docs; ++c) {
      const long site = static_cast<long>(rng.Below(static_cast<uint64_t>(sites)));
      size_t keep = paras.size();
      if (c > 0 && rng.Below(4) == 0) keep = 1 + rng.Below(paras.size());  // cut short or an excerpt
      std::string text = header[site];
      for (size_t p = 0; p < keep; ++p) text += paras[p] + "\n";
      text += footer[site];
      line.assign("{\"id\":\"g").append(std::to_string(written)).append("\",\"url\":\"https://site");
      line.append(std::to_string(site)).append(".example/").append(std::to_string(story)).append("\",\"text\":");
      Json(&line, text);
      line += "}\n";
      std::fwrite(line.data(), 1, line.size(), stdout);
      ++written;
    }
    ++story;
  }
  return 0;
}

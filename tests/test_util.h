// Helpers shared by the doppel tests: temporary folders, files, compression
// and a small deterministic random number generator.
//
// Every test makes its own data here; nothing is read from outside the test.
#ifndef DOPPEL_TESTS_TEST_UTIL_H_
#define DOPPEL_TESTS_TEST_UTIL_H_

#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace doppel_test {

namespace fs = std::filesystem;

// A fresh folder under $TMPDIR (or /tmp), removed with everything in it when
// the object goes away.
class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "doppel-test-XXXXXX").string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Join(std::string_view name) const { return (fs::path(path_) / name).string(); }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw std::runtime_error("cannot write " + path);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("cannot write " + path);
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// gzip with zlib's own file API (an independent encoder from doppel's).
inline void WriteGzip(const std::string& path, std::string_view bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("gzopen " + path);
  size_t done = 0;
  while (done < bytes.size()) {
    unsigned n = static_cast<unsigned>(std::min<size_t>(bytes.size() - done, 1u << 20));
    if (gzwrite(f, bytes.data() + done, n) != static_cast<int>(n)) throw std::runtime_error("gzwrite " + path);
    done += n;
  }
  if (gzclose(f) != Z_OK) throw std::runtime_error("gzclose " + path);
}

inline std::string ReadGzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("gzopen " + path);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    int got = gzread(f, buf, sizeof buf);
    if (got < 0) {
      gzclose(f);
      throw std::runtime_error("gzread " + path);
    }
    if (got == 0) break;
    out.append(buf, static_cast<size_t>(got));
  }
  gzclose(f);
  return out;
}

// One zstd frame with the simple one-shot API.
inline std::string ZstdCompress(std::string_view bytes, int level = 3) {
  std::string out(ZSTD_compressBound(bytes.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), level);
  if (ZSTD_isError(n)) throw std::runtime_error("ZSTD_compress");
  out.resize(n);
  return out;
}

inline void WriteZstd(const std::string& path, std::string_view bytes) { WriteFile(path, ZstdCompress(bytes)); }

// Decompresses every frame of a zstd stream (frame sizes need not be known).
inline std::string ZstdDecompress(std::string_view data) {
  ZSTD_DCtx* d = ZSTD_createDCtx();
  std::string out;
  std::vector<char> buf(ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  size_t ret = 1;  // nothing decoded yet: an empty input is not a stream
  while (in.pos < in.size) {
    ZSTD_outBuffer ob{buf.data(), buf.size(), 0};
    ret = ZSTD_decompressStream(d, &ob, &in);
    if (ZSTD_isError(ret)) {
      ZSTD_freeDCtx(d);
      throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(ret));
    }
    out.append(buf.data(), ob.pos);
  }
  while (ret != 0) {  // the input is all consumed: flush what the decoder holds
    ZSTD_outBuffer ob{buf.data(), buf.size(), 0};
    ZSTD_inBuffer empty{nullptr, 0, 0};
    ret = ZSTD_decompressStream(d, &ob, &empty);
    if (ZSTD_isError(ret) || ob.pos == 0) break;
    out.append(buf.data(), ob.pos);
  }
  ZSTD_freeDCtx(d);
  if (ret != 0) throw std::runtime_error("zstd: truncated stream");
  return out;
}

inline std::string ReadZstd(const std::string& path) { return ZstdDecompress(ReadFile(path)); }

// Lines of `s` without their '\n' (a last line without one counts too).
inline std::vector<std::string> SplitLines(std::string_view s) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.emplace_back(s.substr(start));
      break;
    }
    lines.emplace_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// Names of the entries of a folder, sorted.
inline std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// SplitMix64: a tiny generator whose output is the same on every platform
// (unlike the standard distributions), so generated test data is too.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) (n > 0), without modulo bias worth caring about here.
  uint64_t Below(uint64_t n) {
    __extension__ typedef unsigned __int128 U128;
    return static_cast<uint64_t>((static_cast<U128>(Next()) * n) >> 64);
  }
  // Uniform in [lo, hi].
  int64_t Range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1))); }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  template <typename T>
  void Shuffle(std::vector<T>* v) {
    for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[Below(i)]);
  }

 private:
  uint64_t state_;
};

// A random lowercase pseudo-word of the given length.
inline std::string PseudoWord(Rng& rng, int len) {
  static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyz";
  std::string w;
  for (int i = 0; i < len; ++i) w.push_back(kLetters[rng.Below(26)]);
  return w;
}

// s with OCR-like substitutions: each lowercase letter, one time in
// `one_in`, replaced by a random lowercase letter.
inline std::string SubstituteLetters(std::string s, Rng& rng, int one_in) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z' && rng.Below(static_cast<uint64_t>(one_in)) == 0) c = static_cast<char>('a' + rng.Below(26));
  }
  return s;
}

// `s` as OCR reads a worn print: each word, with chance 1 in `one_in`, has
// one look-alike confusion where it has one (rn for m, 1 for l, 0 for o, c
// for e, ...; the pairs that TokenizeFolded folds, in either direction).
inline std::string ConfuseLookalikes(const std::string& s, Rng& rng, int one_in) {
  static const std::pair<const char*, const char*> kPairs[] = {
      {"m", "rn"}, {"rn", "m"}, {"l", "1"}, {"i", "l"}, {"o", "0"}, {"e", "c"}, {"c", "e"}, {"h", "b"},
      {"d", "cl"}, {"w", "vv"}, {"u", "n"}, {"n", "u"}, {"t", "f"}, {"s", "5"}, {"a", "o"}};
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\n') ++j;
    std::string word = s.substr(i, j - i);
    if (!word.empty() && rng.Below(static_cast<uint64_t>(one_in)) == 0) {
      // The first pair, from a random start, that the word has.
      const size_t n = sizeof kPairs / sizeof kPairs[0];
      const size_t first = rng.Below(n);
      for (size_t k = 0; k < n; ++k) {
        const auto& [from, to] = kPairs[(first + k) % n];
        const size_t at = word.find(from);
        if (at != std::string::npos) {
          word.replace(at, std::string_view(from).size(), to);
          break;
        }
      }
    }
    out += word;
    if (j < s.size()) out += s[j];
    i = j + 1;
  }
  return out;
}

}  // namespace doppel_test

#endif  // DOPPEL_TESTS_TEST_UTIL_H_

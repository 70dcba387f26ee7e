// Microbenchmarks, one per pipeline stage, in bytes of input text per second.
// The text is generated (news-like word frequencies), so the numbers do not
// depend on any data set:   build/bench/doppel_bench
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "doppel/align.h"
#include "doppel/lsh.h"
#include "doppel/minhash.h"
#include "doppel/record.h"
#include "doppel/text.h"
#include "find/tokenized.h"

namespace {

// ~1 MB of English-like text: Zipf-distributed words, punctuation, some
// non-ASCII (curly quotes, accented words; the most frequent word is one of
// them, so about a tenth of all tokens take the Unicode path), in paragraphs
// of 40-200 words. MakeText(true) is the same text in plain ASCII.
std::string MakeText(bool ascii) {
  std::mt19937_64 rng(42);
  std::vector<std::string> vocab;
  const char* syll[] = {"ka", "lo", "mi", "ne", "tar", "sun", "or", "ve", "pe", "the", "and", "in", "ing", "re"};
  for (int i = 0; i < 20000; ++i) {
    std::string w;
    int n = 1 + static_cast<int>(rng() % 4);
    for (int j = 0; j < n; ++j) w += syll[rng() % 14];
    if (i % 97 == 0 && !ascii) w += "é";
    vocab.push_back(w);
  }
  std::vector<double> weights(vocab.size());
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = 1.0 / static_cast<double>(i + 1);
  std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
  std::string t;
  while (t.size() < (1 << 20)) {
    int words = 40 + static_cast<int>(rng() % 160);
    for (int i = 0; i < words; ++i) {
      std::string w = vocab[pick(rng)];
      if (i % 12 == 0) w[0] = static_cast<char>(w[0] - 32);
      t += w;
      t += (i % 15 == 14) ? ". " : (i % 29 == 7 ? (ascii ? "'s " : "’s ") : " ");
    }
    t += "\n";
  }
  return t;
}

const std::string& Text() {
  static const std::string text = MakeText(false);
  return text;
}

const std::string& AsciiText() {
  static const std::string text = MakeText(true);
  return text;
}

// Token hashes of `text`, bytes per second.
void TokenizeBench(benchmark::State& state, const std::string& text) {
  std::vector<uint64_t> tokens;
  for (auto _ : state) {
    tokens.clear();
    doppel::TokenHashes(text, &tokens);
    benchmark::DoNotOptimize(tokens.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_Tokenize(benchmark::State& state) { TokenizeBench(state, Text()); }
BENCHMARK(BM_Tokenize);

void BM_TokenizeAscii(benchmark::State& state) { TokenizeBench(state, AsciiText()); }
BENCHMARK(BM_TokenizeAscii);

// Tokens with offsets, letter for letter (Arg 0, dedup's and fuse's) or
// with look-alike glyphs folded (Arg 1, find's), of the text (Arg 2: 0) or
// its ASCII form (1).
void BM_TokenizeWithOffsets(benchmark::State& state) {
  const std::string& text = state.range(1) ? AsciiText() : Text();
  std::vector<doppel::Token> tokens;
  for (auto _ : state) {
    tokens.clear();
    if (state.range(0)) {
      doppel::TokenizeFolded(text, &tokens);
    } else {
      doppel::Tokenize(text, &tokens);
    }
    benchmark::DoNotOptimize(tokens.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_TokenizeWithOffsets)->Args({0, 0})->Args({1, 0})->Args({0, 1})->Args({1, 1});

// What find's read stage does per document (TokenizeCodePoints): tokens
// with look-alikes folded, offsets in code points, line breaks and menus,
// of documents of about 6 KB cut from the text (Arg 0) or its ASCII form (1).
void BM_TokenizeCodePoints(benchmark::State& state) {
  const std::string& text = state.range(0) ? AsciiText() : Text();
  std::vector<std::string_view> docs;
  for (size_t at = 0; at < text.size();) {
    size_t end = std::min(text.size(), at + 6000);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;  // not in a character
    docs.push_back(std::string_view(text).substr(at, end - at));
    at = end;
  }
  std::vector<doppel::Token> tokens;
  std::vector<doppel::TokenRange> menus;
  for (auto _ : state) {
    for (std::string_view d : docs) {
      tokens.clear();
      menus.clear();
      doppel::TokenizeCodePoints(d, &tokens, &menus);
      benchmark::DoNotOptimize(tokens.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_TokenizeCodePoints)->Arg(0)->Arg(1);

// Documents of 900 tokens cut from the text, and a copy of each with every
// 20th token changed and its middle tenth left out (what alignment meets).
struct AlignInput {
  std::vector<std::vector<doppel::Token>> docs, copies;
  size_t tokens = 0;
};
const AlignInput& Aligned() {
  static const AlignInput in = [] {
    AlignInput a;
    std::vector<doppel::Token> all;
    doppel::Tokenize(Text(), &all);
    constexpr size_t kDoc = 900;
    for (size_t at = 0; at + kDoc <= all.size(); at += kDoc) {
      std::vector<doppel::Token> doc(all.begin() + static_cast<ptrdiff_t>(at),
                                     all.begin() + static_cast<ptrdiff_t>(at + kDoc));
      std::vector<doppel::Token> copy;
      for (size_t i = 0; i < doc.size(); ++i) {
        if (i >= 9 * kDoc / 20 && i < 11 * kDoc / 20) continue;
        copy.push_back(doc[i]);
        if (i % 20 == 19) copy.back().hash ^= 0x5bd1e995;
      }
      a.tokens += doc.size();
      a.docs.push_back(std::move(doc));
      a.copies.push_back(std::move(copy));
    }
    return a;
  }();
  return in;
}

// Anchor indexes (3-word anchors, no mask; argument 1: n-grams seen twice
// anchor too), tokens per second.
void BM_BuildAnchorIndex(benchmark::State& state) {
  const AlignInput& in = Aligned();
  const bool twice = state.range(0) != 0;
  for (auto _ : state) {
    for (const auto& doc : in.docs) {
      doppel::AnchorIndex index = doppel::BuildAnchorIndex(doc, {}, 3, twice);
      benchmark::DoNotOptimize(index.hashes.data());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * in.tokens));
}
BENCHMARK(BM_BuildAnchorIndex)->Arg(0)->Arg(1);

// Alignment of each document with its copy, indexes built beforehand:
// tokens of the first document per second (the argument as above).
void BM_AlignDocuments(benchmark::State& state) {
  const AlignInput& in = Aligned();
  const bool twice = state.range(0) != 0;
  std::vector<doppel::AnchorIndex> a, b;
  for (size_t i = 0; i < in.docs.size(); ++i) {
    a.push_back(doppel::BuildAnchorIndex(in.docs[i], {}, 3, twice));
    b.push_back(doppel::BuildAnchorIndex(in.copies[i], {}, 3, twice));
  }
  const doppel::AlignOptions options;
  for (auto _ : state) {
    for (size_t i = 0; i < a.size(); ++i) {
      auto passages = doppel::AlignDocuments(a[i], b[i], options);
      benchmark::DoNotOptimize(passages.data());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * in.tokens));
}
BENCHMARK(BM_AlignDocuments)->Arg(0)->Arg(1);

void BM_Shingle(benchmark::State& state) {
  const std::string& text = Text();
  std::vector<uint64_t> tokens, shingles;
  doppel::TokenHashes(text, &tokens);
  for (auto _ : state) {
    shingles.clear();
    doppel::ShingleHashes(tokens, 5, &shingles);
    benchmark::DoNotOptimize(shingles.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Shingle);

// Sketching documents of state.range(0) words each.
void BM_MinHash(benchmark::State& state) {
  const std::string& text = Text();
  std::vector<uint64_t> tokens, shingles;
  doppel::TokenHashes(text, &tokens);
  doppel::ShingleHashes(tokens, 5, &shingles);
  const doppel::MinHasher hasher(128);
  std::vector<uint32_t> sig(128);
  const auto doc = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    for (size_t i = 0; i + doc <= shingles.size(); i += doc) {
      hasher.Sketch(std::span<const uint64_t>(shingles.data() + i, doc), sig.data());
      benchmark::DoNotOptimize(sig.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_MinHash)->Arg(50)->Arg(500)->Arg(5000);

void BM_BandKeys(benchmark::State& state) {
  std::vector<uint32_t> sig(128);
  std::mt19937 rng(1);
  for (auto& v : sig) v = rng();
  for (auto _ : state) {
    for (int b = 0; b < 9; ++b) benchmark::DoNotOptimize(doppel::BandKey(sig.data(), b, 13));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BandKeys);

void BM_Verify(benchmark::State& state) {
  const std::string& text = Text();
  std::vector<uint64_t> tokens, a, b;
  doppel::TokenHashes(text, &tokens);
  doppel::ShingleHashes(tokens, 5, &a);
  b = a;
  for (size_t i = 0; i < b.size(); i += 7) b[i] ^= 1;
  for (auto _ : state) {
    std::vector<uint64_t> x = a, y = b;
    doppel::SortUnique(&x);
    doppel::SortUnique(&y);
    benchmark::DoNotOptimize(doppel::Jaccard(x, y));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size() * 2));
}
BENCHMARK(BM_Verify);

void BM_ParseRecord(benchmark::State& state) {
  std::string line = "{\"id\":\"doc-1\",\"url\":\"https://example.org/a\",\"text\":";
  doppel::AppendJsonString(&line, Text().substr(0, 4000));
  line += "}";
  std::string padded = line + std::string(64, '\0');
  doppel::InputFile file{"x.jsonl", "x.jsonl", "", doppel::InputKind::kJsonl, 0};
  doppel::RawRecord rec{0, 1, std::string_view(padded.data(), line.size())};
  doppel::RecordParser parser{doppel::FieldNames{}};
  doppel::Document doc;
  std::string reason;
  for (auto _ : state) benchmark::DoNotOptimize(parser.Parse(rec, file, &doc, &reason));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * line.size()));
}
BENCHMARK(BM_ParseRecord);

void BM_OptimalLshParams(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(doppel::OptimalLshParams(0.8, 128));
}
BENCHMARK(BM_OptimalLshParams);

}  // namespace

BENCHMARK_MAIN();

// Small helpers shared by the commands' run functions: stage timing, optional
// outputs, the stage-time part of summaries, and writing lines in chunks.
#ifndef DOPPEL_UTIL_RUN_H_
#define DOPPEL_UTIL_RUN_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "doppel/corpus.h"
#include "doppel/output.h"

namespace doppel {

using Clock = std::chrono::steady_clock;

inline double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// An output for a path the user gave, or none for an empty path.
inline Result<std::unique_ptr<OutputFile>> MaybeCreate(const std::string& path) {
  if (path.empty()) return std::unique_ptr<OutputFile>();
  return OutputFile::Create(path);
}

// "stage":seconds,... for a JSON summary.
inline std::string StageTimesJson(const std::vector<StageTime>& stages) {
  std::string out;
  for (const auto& st : stages) {
    if (!out.empty()) out += ',';
    out += fmt::format("\"{}\":{:.3f}", st.stage, st.seconds);
  }
  return out;
}

// " stage 0.12s ..." for a human-readable summary.
inline std::string StageTimesText(const std::vector<StageTime>& stages) {
  std::string out;
  for (const auto& st : stages) out += fmt::format(" {} {:.2f}s", st.stage, st.seconds);
  return out;
}

// Writes make(0) .. make(n - 1) to `f` in chunks of about 1 MiB; does not
// commit.
template <typename Make>
Status WriteLines(OutputFile* f, size_t n, Make&& make) {
  constexpr size_t kChunk = 1 << 20;
  std::string buf;
  for (size_t i = 0; i < n; ++i) {
    buf += make(i);
    if (buf.size() > kChunk) {
      DOPPEL_RETURN_IF_ERROR(f->Write(buf));
      buf.clear();
    }
  }
  return f->Write(buf);
}

}  // namespace doppel

#endif  // DOPPEL_UTIL_RUN_H_

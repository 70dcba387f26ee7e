#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

#include "util/progress.h"

namespace doppel {

uint64_t PeakRssBytes() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<uint64_t>(ru.ru_maxrss) * 1024;
}

Progress::Progress(std::string label, uint64_t total_bytes, bool enabled)
    : label_(std::move(label)), total_(total_bytes), enabled_(enabled && ::isatty(2)) {
  start_ = last_ = std::chrono::steady_clock::now();
}

Progress::~Progress() { Done(); }

void Progress::Update(uint64_t bytes, uint64_t records) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double mb = static_cast<double>(bytes) / 1e6;
  if (total_ > 0) {
    double frac = static_cast<double>(bytes) / static_cast<double>(total_);
    if (frac > 1) frac = 1;
    int filled = static_cast<int>(frac * 30);
    std::fprintf(stderr, "\r%s [%.*s%*s] %5.1f%%  %.1f/%.1f MB  %.0f MB/s  %llu docs ", label_.c_str(), filled,
                 "==============================", 30 - filled, "", frac * 100, mb,
                 static_cast<double>(total_) / 1e6, secs > 0 ? mb / secs : 0.0,
                 static_cast<unsigned long long>(records));
  } else {
    std::fprintf(stderr, "\r%s %.1f MB  %.0f MB/s  %llu docs ", label_.c_str(), mb, secs > 0 ? mb / secs : 0.0,
                 static_cast<unsigned long long>(records));
  }
  shown_ = true;
}

void Progress::Done() {
  if (shown_) std::fprintf(stderr, "\r\033[K");
  shown_ = false;
}

}  // namespace doppel

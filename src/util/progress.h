// A one-line progress report on standard error, shown only on a terminal.
#ifndef DOPPEL_UTIL_PROGRESS_H_
#define DOPPEL_UTIL_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace doppel {

class Progress {
 public:
  Progress(std::string label, uint64_t total_bytes, bool enabled);
  ~Progress();
  void Update(uint64_t bytes, uint64_t records);
  void Done();

 private:
  std::string label_;
  uint64_t total_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// Peak resident memory of this process, in bytes.
uint64_t PeakRssBytes();

}  // namespace doppel

#endif  // DOPPEL_UTIL_PROGRESS_H_

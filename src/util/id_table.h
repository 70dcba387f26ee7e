// Document ids (as JSON), concatenated: one allocation for all of them
// instead of one string per document. Internal to doppel.
#ifndef DOPPEL_UTIL_ID_TABLE_H_
#define DOPPEL_UTIL_ID_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace doppel {

class IdTable {
 public:
  void Add(std::string_view id_json) {
    ids_ += id_json;
    end_.push_back(ids_.size());
  }
  size_t size() const { return end_.size(); }
  std::string_view operator[](size_t d) const {
    const uint64_t begin = d == 0 ? 0 : end_[d - 1];
    return std::string_view(ids_).substr(begin, end_[d] - begin);
  }

 private:
  std::string ids_;
  std::vector<uint64_t> end_;  // end of each id in ids_
};

}  // namespace doppel

#endif  // DOPPEL_UTIL_ID_TABLE_H_

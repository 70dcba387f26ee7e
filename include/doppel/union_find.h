// doppel/union_find.h - disjoint sets with path halving and union by index.
//
// The root of every set is its smallest member, so the partition and its
// names do not depend on the order in which unions happen.
#ifndef DOPPEL_UNION_FIND_H_
#define DOPPEL_UNION_FIND_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace doppel {

class UnionFind {
 public:
  explicit UnionFind(size_t n);
  uint32_t Find(uint32_t x);
  // Joins the sets of a and b; returns false if they were one already.
  bool Union(uint32_t a, uint32_t b);
  size_t size() const { return parent_.size(); }

 private:
  std::vector<uint32_t> parent_;
};

}  // namespace doppel

#endif  // DOPPEL_UNION_FIND_H_

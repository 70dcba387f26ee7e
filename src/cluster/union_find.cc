#include "doppel/union_find.h"

#include <numeric>

namespace doppel {

UnionFind::UnionFind(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0u); }

uint32_t UnionFind::Find(uint32_t x) {
  while (parent_[x] != x) {
    parent_[x] = parent_[parent_[x]];
    x = parent_[x];
  }
  return x;
}

bool UnionFind::Union(uint32_t a, uint32_t b) {
  a = Find(a);
  b = Find(b);
  if (a == b) return false;
  if (b < a) std::swap(a, b);
  parent_[b] = a;  // the smaller index stays the root
  return true;
}

}  // namespace doppel

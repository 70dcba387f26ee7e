// Two steps on ranges sorted by a key, shared by the aligners of find and
// fuse: keeping the elements whose key occurs once, and pairing the
// elements of two such ranges that have the same key (a merge join).
// Internal to doppel.
#ifndef DOPPEL_UTIL_SORTED_KEYS_H_
#define DOPPEL_UTIL_SORTED_KEYS_H_

#include <cstddef>
#include <vector>

namespace doppel {

// Moves the elements of *v (sorted by key) whose key occurs once to its
// front, in order, and returns how many there are; the rest of *v is left
// as it is (the caller resizes).
template <typename T, typename Key>
size_t KeepUniqueKeys(std::vector<T>* v, Key key) {
  std::vector<T>& x = *v;
  size_t kept = 0;
  for (size_t i = 0; i < x.size();) {
    size_t j = i + 1;
    while (j < x.size() && key(x[j]) == key(x[i])) ++j;
    if (j == i + 1) x[kept++] = x[i];
    i = j;
  }
  return kept;
}

// Calls emit(a[i], b[j]) for every pair with equal keys, in key order;
// a and b are sorted by key and each key occurs at most once in each.
template <typename A, typename B, typename KeyA, typename KeyB, typename Emit>
void ForEachCommonKey(const std::vector<A>& a, const std::vector<B>& b, KeyA key_a, KeyB key_b, Emit emit) {
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (key_a(a[i]) < key_b(b[j])) {
      ++i;
    } else if (key_b(b[j]) < key_a(a[i])) {
      ++j;
    } else {
      emit(a[i++], b[j++]);
    }
  }
}

}  // namespace doppel

#endif  // DOPPEL_UTIL_SORTED_KEYS_H_

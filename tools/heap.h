// The doppel binary's heap (tools/heap.cc). Internal to the binary.
#ifndef DOPPEL_TOOLS_HEAP_H_
#define DOPPEL_TOOLS_HEAP_H_

namespace doppel_tool {

// Call first in main: a thread started here times fresh huge and small
// pages and backs the heap with huge pages at once where they are worth it,
// else once the run has lasted two seconds; after those two seconds
// jemalloc returns freed pages (see heap.cc). Does nothing when the binary
// is built without jemalloc.
void TuneTheHeap();

}  // namespace doppel_tool

#endif  // DOPPEL_TOOLS_HEAP_H_

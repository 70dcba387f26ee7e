// The doppel binary's heap (tools/heap.cc). Internal to the binary.
#ifndef DOPPEL_TOOLS_HEAP_H_
#define DOPPEL_TOOLS_HEAP_H_

namespace doppel_tool {

// Call first in main: after the run's first seconds, jemalloc returns
// freed pages and backs the heap with huge pages (see heap.cc). Does
// nothing when the binary is built without jemalloc.
void TuneTheHeapForLongRuns();

}  // namespace doppel_tool

#endif  // DOPPEL_TOOLS_HEAP_H_

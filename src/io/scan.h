// The first pass over a corpus: read batches of records on one thread, turn
// each record into a per-document result on all threads, and hand the results
// to a sink in input order. Bad records are reported in input order too, so
// the first bad record is always the one reported, whatever the thread count.
#ifndef DOPPEL_IO_SCAN_H_
#define DOPPEL_IO_SCAN_H_

#include <algorithm>
#include <atomic>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <tbb/concurrent_queue.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <xxhash.h>

#include "doppel/corpus.h"
#include "doppel/input.h"
#include "doppel/output.h"
#include "doppel/record.h"
#include "util/flat_map.h"
#include "util/progress.h"

namespace doppel {

// Record states, one byte per record read, kept for the second pass.
enum RecordState : uint8_t { kRecordGood = 0, kRecordRejected = 1 };

// Writes rejects and counts them; in kStop mode turns the first into an error.
class RejectHandler {
 public:
  RejectHandler(const CorpusOptions& opt) : opt_(opt) {}
  Status Open() {
    if (opt_.on_error == OnError::kSkip && !opt_.rejects_path.empty()) {
      auto f = OutputFile::Create(opt_.rejects_path);
      if (!f.ok()) return f.status();
      out_ = std::move(f).value();
    }
    return Status::Ok();
  }
  Status Reject(const InputFile& file, uint64_t line, const std::string& reason) {
    ++count_;
    if (opt_.on_error == OnError::kStop) {
      return BadInput(fmt::format("{}: {} (or run with --on-error skip --rejects FILE to set such records aside)",
                                  Where(file, line), reason));
    }
    if (!out_) return Status::Ok();
    std::string row = "{\"file\":";
    AppendJsonString(&row, file.display);
    row += fmt::format(",\"line\":{},\"reason\":", line);
    AppendJsonString(&row, reason);
    row += "}\n";
    return out_->Write(row);
  }
  Status Commit() { return out_ ? out_->Commit() : Status::Ok(); }
  OutputFile* file() { return out_.get(); }
  std::unique_ptr<OutputFile> Release() { return std::move(out_); }
  uint64_t count() const { return count_; }

 private:
  const CorpusOptions& opt_;
  std::unique_ptr<OutputFile> out_;
  uint64_t count_ = 0;
};

// Chunks of a pipeline pass, recycled: their buffers, slots and items keep
// their capacity from batch to batch, so a pass does not keep asking the
// system for fresh pages (page faults cost a lot on virtual machines). At
// most `tokens` chunks are in flight, so the pool never runs dry; Get()
// stays correct if it does. Get() is called by the serial input stage,
// Put() from any thread.
template <typename Chunk>
class ChunkPool {
 public:
  explicit ChunkPool(size_t tokens) {
    for (size_t k = 0; k < tokens; ++k) {
      pool_.push_back(std::make_unique<Chunk>());
      free_.push(pool_.back().get());
    }
  }
  Chunk* Get() {
    Chunk* chunk = nullptr;
    if (!free_.try_pop(chunk)) {
      pool_.push_back(std::make_unique<Chunk>());
      chunk = pool_.back().get();
    }
    return chunk;
  }
  void Put(Chunk* chunk) { free_.push(chunk); }

 private:
  std::vector<std::unique_ptr<Chunk>> pool_;
  tbb::concurrent_queue<Chunk*> free_;
};

// The number of chunks in flight in a pass: one per thread and two more, so
// that reading and the in-order stage do not wait.
inline size_t PipelineTokens() {
  const size_t threads = std::min(static_cast<size_t>(tbb::info::default_concurrency()),
                                  tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
  return threads + 2;
}

// Good records whose id an earlier one has (RecordCounts::repeated_ids),
// from (hash of the id's JSON, record position) in input order: a hash
// already in the set (util/flat_map.h) is a repeat; the first one found is
// the first such record in input order, and the earlier record is the
// first with its hash. A position is the file number above 40 bits of the
// line; ids of records beyond 2^24 files or 2^40 lines are not checked.
// Ids are compared by their 64-bit hashes: among n records, two different
// ids are taken for one with a chance of about n^2 / 2^65 (3e-4 at 100
// million; FlatMap takes hash 0 for 1, one more such pair as rare). The
// set lives only here.
inline void CountRepeatedIds(const std::vector<std::pair<uint64_t, uint64_t>>& ids, const InputSet& input,
                             RecordCounts* counts) {
  FlatMap<uint8_t> seen(ids.size());
  size_t first = SIZE_MAX;
  for (size_t i = 0; i < ids.size(); ++i) {
    uint8_t& s = seen[ids[i].first];
    if (s == 0) {
      s = 1;
      continue;
    }
    ++counts->repeated_ids;
    if (first == SIZE_MAX) first = i;
  }
  if (first == SIZE_MAX) return;
  size_t earlier = 0;
  while (ids[earlier].first != ids[first].first) ++earlier;
  auto where = [&input](uint64_t pos) {
    return Where(input.files()[pos >> 40], pos & ((uint64_t{1} << 40) - 1));
  };
  counts->first_repeated_id = fmt::format("{} has the id of {}", where(ids[first].second), where(ids[earlier].second));
  if (where(ids[first].second) == where(ids[earlier].second)) counts->first_repeated_id += ", a file given twice";
}

// Work(const Document&, Item*) runs in parallel; Sink(Item&&) or
// Sink(Item&&, const RawRecord&) runs in input order for every good record.
// states gets one entry per record; counts gets read, rejected and the
// repeated ids.
template <typename Item, typename Work, typename Sink>
Status ScanCorpus(InputSet& input, const CorpusOptions& opt, const char* label, RejectHandler& rejects,
                  std::vector<uint8_t>* states, RecordCounts* counts, Work&& work, Sink&& sink) {
  struct Slot {
    bool good = false;
    uint64_t id_hash = 0;
    std::string reason;
    Item item;
  };
  std::vector<std::pair<uint64_t, uint64_t>> ids;  // (id hash, position) of good records
  struct Chunk {
    Batch batch;
    std::vector<Slot> slots;
    Status read_error;  // after the records of this chunk, the input failed
  };
  tbb::enumerable_thread_specific<RecordParser> parsers(opt.fields);
  tbb::enumerable_thread_specific<Document> docs;
  Status status;
  std::atomic<bool> failed{false};
  Progress progress(label, input.total_bytes(), opt.progress);
  uint64_t records = 0;
  const size_t tokens = PipelineTokens();
  bool input_done = false;  // touched by the input stage only

  ChunkPool<Chunk> pool(tokens);
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, Chunk*>(
          tbb::filter_mode::serial_in_order,
          [&](tbb::flow_control& fc) -> Chunk* {
            if (input_done || failed.load()) {
              fc.stop();
              return nullptr;
            }
            Chunk* chunk = pool.Get();
            chunk->read_error = Status::Ok();
            auto more = input.Next(&chunk->batch, opt.batch_bytes);
            if (!more.ok()) {
              // Reported by the in-order stage, after every earlier record:
              // the first problem in the input is the one reported.
              chunk->read_error = more.status();
              input_done = true;
              return chunk;
            }
            if (!*more) {
              pool.Put(chunk);
              fc.stop();
              return nullptr;
            }
            return chunk;
          }) &
          tbb::make_filter<Chunk*, Chunk*>(
              tbb::filter_mode::parallel,
              [&](Chunk* chunk) {
                if (failed.load()) return chunk;
                RecordParser& parser = parsers.local();
                Document& doc = docs.local();
                chunk->slots.resize(chunk->batch.records.size());
                for (size_t i = 0; i < chunk->batch.records.size(); ++i) {
                  const RawRecord& rec = chunk->batch.records[i];
                  Slot& slot = chunk->slots[i];
                  slot.reason.clear();
                  slot.good = parser.Parse(rec, input.files()[rec.file], &doc, &slot.reason);
                  if (slot.good) {
                    slot.id_hash = XXH3_64bits(doc.id_json.data(), doc.id_json.size());
                    work(doc, &slot.item);
                  }
                }
                return chunk;
              }) &
          tbb::make_filter<Chunk*, void>(
              tbb::filter_mode::serial_in_order, [&](Chunk* chunk) {
                struct Recycle {
                  ChunkPool<Chunk>& pool;
                  Chunk* c;
                  ~Recycle() { pool.Put(c); }
                } recycle{pool, chunk};
                if (failed.load()) return;
                for (size_t i = 0; i < chunk->slots.size(); ++i) {
                  Slot& slot = chunk->slots[i];
                  const RawRecord& rec = chunk->batch.records[i];
                  if (!slot.good) {
                    states->push_back(kRecordRejected);
                    Status s = rejects.Reject(input.files()[rec.file], rec.line, slot.reason);
                    if (!s.ok()) {
                      status = s;
                      failed = true;
                      return;
                    }
                    continue;
                  }
                  states->push_back(kRecordGood);
                  if (rec.file < (1u << 24) && rec.line < (uint64_t{1} << 40)) {
                    ids.emplace_back(slot.id_hash, (uint64_t{rec.file} << 40) | rec.line);
                  }
                  Status s;
                  if constexpr (std::is_invocable_v<Sink, Item&&, const RawRecord&>) {
                    s = sink(std::move(slot.item), rec);
                  } else {
                    s = sink(std::move(slot.item));
                  }
                  if (!s.ok()) {
                    status = s;
                    failed = true;
                    return;
                  }
                }
                records += chunk->slots.size();
                if (!chunk->read_error.ok()) {
                  status = chunk->read_error;
                  failed = true;
                  return;
                }
                progress.Update(chunk->batch.input_bytes, records);
              }));
  progress.Done();
  counts->read = states->size();
  counts->rejected = rejects.count();
  if (status.ok()) CountRepeatedIds(ids, input, counts);
  return status;
}

// A later pass over the same input: reads it again from the start and calls
// Work(uint32_t doc, const Document&) -> Status, in parallel, for every good
// record whose document number (its rank among the good records of the
// first pass, whose states are given) is marked in `wanted`. Reading stops
// after the last wanted document. Work must not depend on the order of the
// calls; the first error in input order is returned.
template <typename Work>
Status RescanCorpus(InputSet& input, const CorpusOptions& opt, const std::vector<uint8_t>& states,
                    const std::vector<uint8_t>& wanted, const char* label, Work&& work) {
  constexpr uint32_t kNotWanted = UINT32_MAX;
  uint64_t last_wanted = 0;
  bool any = false;
  for (size_t d = 0; d < wanted.size(); ++d) {
    if (wanted[d]) {
      last_wanted = d;
      any = true;
    }
  }
  if (!any) return Status::Ok();
  DOPPEL_RETURN_IF_ERROR(input.Rewind());
  struct Chunk {
    Batch batch;
    std::vector<uint32_t> docs;  // per record: its document number, or kNotWanted
    Status status;
  };
  tbb::enumerable_thread_specific<RecordParser> parsers(opt.fields);
  tbb::enumerable_thread_specific<Document> docs;
  const size_t tokens = PipelineTokens();
  ChunkPool<Chunk> pool(tokens);
  Progress progress(label, input.total_bytes(), opt.progress);
  Status status;
  std::atomic<bool> failed{false};
  uint64_t next_doc = 0;  // touched by the input stage only
  bool done = false;      // likewise
  bool ended_early = false;  // likewise: the input ended before the last wanted document
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, Chunk*>(
          tbb::filter_mode::serial_in_order,
          [&](tbb::flow_control& fc) -> Chunk* {
            if (done || failed.load()) {
              fc.stop();
              return nullptr;
            }
            Chunk* chunk = pool.Get();
            chunk->status = Status::Ok();
            chunk->docs.clear();
            auto more = input.Next(&chunk->batch, opt.batch_bytes);
            if (!more.ok()) {
              chunk->status = more.status();
              done = true;
              return chunk;
            }
            if (!*more) {
              pool.Put(chunk);
              ended_early = next_doc <= last_wanted;
              fc.stop();
              return nullptr;
            }
            for (size_t i = 0; i < chunk->batch.records.size(); ++i) {
              const uint64_t ordinal = chunk->batch.first_index + i;
              uint32_t d = kNotWanted;
              if (ordinal < states.size() && states[ordinal] == kRecordGood) {
                if (next_doc < wanted.size() && wanted[next_doc]) d = static_cast<uint32_t>(next_doc);
                ++next_doc;
              }
              chunk->docs.push_back(d);
            }
            if (next_doc > last_wanted) done = true;
            return chunk;
          }) &
          tbb::make_filter<Chunk*, Chunk*>(
              tbb::filter_mode::parallel,
              [&](Chunk* chunk) {
                if (failed.load() || !chunk->status.ok()) return chunk;
                RecordParser& parser = parsers.local();
                Document& doc = docs.local();
                std::string reason;
                for (size_t i = 0; i < chunk->docs.size(); ++i) {
                  if (chunk->docs[i] == kNotWanted) continue;
                  const RawRecord& rec = chunk->batch.records[i];
                  if (!parser.Parse(rec, input.files()[rec.file], &doc, &reason)) {
                    chunk->status = Status(StatusCode::kInternal,
                                           fmt::format("{}: {}; the input changed between passes",
                                                       Where(input.files()[rec.file], rec.line), reason));
                    break;
                  }
                  Status st = work(chunk->docs[i], static_cast<const Document&>(doc));
                  if (!st.ok()) {
                    chunk->status = st;
                    break;
                  }
                }
                return chunk;
              }) &
          tbb::make_filter<Chunk*, void>(
              tbb::filter_mode::serial_in_order, [&](Chunk* chunk) {
                if (!failed.load() && !chunk->status.ok()) {
                  status = chunk->status;
                  failed = true;
                }
                progress.Update(chunk->batch.input_bytes, chunk->batch.first_index + chunk->batch.records.size());
                pool.Put(chunk);
              }));
  progress.Done();
  if (status.ok() && ended_early) {
    return Status(StatusCode::kInternal, "the input changed between passes; do not modify it during a run");
  }
  return status;
}

}  // namespace doppel

#endif  // DOPPEL_IO_SCAN_H_

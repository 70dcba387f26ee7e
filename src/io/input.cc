#include "doppel/input.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <tuple>

#include <fmt/format.h>

#include "io/source.h"
#include "util/fd_io.h"

namespace fs = std::filesystem;

namespace doppel {

class InputSet::Source {
 public:
  std::unique_ptr<io::ByteSource> bytes;
  int spool_fd = -1;  // streams: where a copy of everything read goes (owned by InputSet)
};

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

InputKind KindOf(std::string_view path) {
  if (EndsWith(path, ".gz")) return InputKind::kGzip;
  if (EndsWith(path, ".zst")) return InputKind::kZstd;
  return InputKind::kJsonl;
}

// Bytes read from a JSONL source at a time.
constexpr size_t kReadChunk = 1 << 18;

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

Status WriteAll(int fd, const char* p, size_t n, const std::string& what) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return IoError(fmt::format("{}: cannot write: {}; check free space in the temporary directory",
                                 what, std::strerror(errno)));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

}  // namespace

InputSet::~InputSet() {
  source_.reset();
  for (int fd : fds_) {
    if (fd >= 0) ::close(fd);
  }
  for (int fd : spool_) {
    if (fd >= 0) ::close(fd);
  }
}

Result<std::unique_ptr<InputSet>> InputSet::Open(const std::vector<std::string>& paths,
                                                 const std::string& tmp_dir, bool rereadable) {
  std::unique_ptr<InputSet> set(new InputSet());
  set->rereadable_ = rereadable;
  set->tmp_dir_ = ScratchDir(tmp_dir);
  if (paths.empty()) return InvalidArgument("no input given; name JSONL files, directories or - for stdin");
  for (const std::string& p : paths) {
    if (p == "-") {
      set->files_.push_back({p, "<stdin>", "", InputKind::kStdin, 0, true});
      continue;
    }
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (!fs::exists(st)) {
      return IoError(fmt::format("{}: cannot open: no such file or directory; check the path", p));
    }
    if (ec) return IoError(fmt::format("{}: cannot open: {}; check the path and its permissions", p, ec.message()));
    if (fs::is_directory(st)) {
      std::vector<InputFile> found;
      fs::recursive_directory_iterator it(p, fs::directory_options::follow_directory_symlink, ec), end;
      if (ec) return IoError(fmt::format("{}: cannot list directory: {}", p, ec.message()));
      for (; it != end; it.increment(ec)) {
        if (ec) return IoError(fmt::format("{}: cannot list directory: {}", p, ec.message()));
        if (!it->is_regular_file(ec) || it->path().extension() != ".txt") continue;
        // Lexical: a symlinked subfolder keeps its name in the id.
        std::string rel = it->path().lexically_relative(p).generic_string();
        std::string full = it->path().string();
        found.push_back({full, full, rel, InputKind::kTextFile, 0});
      }
      if (found.empty()) {
        return BadInput(fmt::format("{}: no *.txt files below this folder; name JSONL files directly", p));
      }
      std::sort(found.begin(), found.end(),
                [](const InputFile& a, const InputFile& b) { return a.doc_id < b.doc_id; });
      for (auto& f : found) set->files_.push_back(std::move(f));
      continue;
    }
    set->files_.push_back({p, p, "", KindOf(p), 0, !fs::is_regular_file(st)});
  }
  set->spool_.assign(set->files_.size(), -1);
  set->spooled_.assign(set->files_.size(), 0);
  for (InputFile& f : set->files_) {
    if (f.kind == InputKind::kStdin || f.stream) continue;
    if (::access(f.path.c_str(), R_OK) != 0) {
      return IoError(fmt::format("{}: cannot open: {}; check the path and its permissions", f.display,
                                 std::strerror(errno)));
    }
    std::error_code ec;
    f.size = fs::file_size(f.path, ec);
    if (ec) f.size = 0;
    set->total_bytes_ += f.size;
  }
  return set;
}

Status InputSet::OpenFile(size_t index) {
  InputFile& f = files_[index];
  source_ = std::make_unique<Source>();
  line_ = 0;
  if (spooled_[index]) {
    // The second pass over a stream reads its scratch copy.
    int fd = ::dup(spool_[index]);
    if (fd < 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
      if (fd >= 0) ::close(fd);
      return IoError(fmt::format("{}: cannot reread the scratch copy: {}", f.display, std::strerror(errno)));
    }
    auto src = io::OpenFdSource(fd, f.kind == InputKind::kStdin ? InputKind::kJsonl : f.kind, f.display);
    if (!src.ok()) return src.status();
    source_->bytes = std::move(src).value();
    return Status::Ok();
  }
  auto src = io::OpenSource(f.path, f.kind, f.display);
  if (!src.ok()) return src.status();
  source_->bytes = std::move(src).value();
  if (f.stream && rereadable_) {
    // Unlinked at once: the copy lives as long as the descriptor, and an
    // interrupted run leaves nothing behind.
    std::string templ = tmp_dir_ + "/doppel-spool-XXXXXX";
    int fd = ::mkstemp(templ.data());
    if (fd < 0) {
      return IoError(fmt::format("{}: cannot create a scratch copy of {}: {}; set --tmp-dir to a writable folder",
                                 templ, f.display, std::strerror(errno)));
    }
    ::unlink(templ.c_str());
    if (spool_[index] >= 0) ::close(spool_[index]);
    spool_[index] = fd;
    source_->spool_fd = fd;
  }
  return Status::Ok();
}

Result<bool> InputSet::Next(Batch* batch, size_t target_bytes) {
  if (!pending_error_.ok()) {
    Status e = pending_error_;
    pending_error_ = Status::Ok();
    return e;
  }
  batch->buffer.clear();
  batch->records.clear();
  batch->first_index = next_index_;
  // (file, line, offset in buf, length, offset in the file): offsets,
  // because the buffer may grow.
  std::vector<std::tuple<uint32_t, uint64_t, size_t, size_t, uint64_t>> spans;
  std::string& buf = batch->buffer;
  // Reserved once at the size a batch reaches (its target, one more read,
  // the padding), so that the buffer does not grow by doubling: every byte
  // of fresh memory costs a page fault the first time it is touched.
  buf.reserve(target_bytes + 2 * kReadChunk + Batch::kPadding);
  buf.assign(pending_);  // keeps the batch buffer's capacity
  pending_.clear();
  // Offset in the current file of buf[i] is i + shift.
  int64_t shift = static_cast<int64_t>(pending_offset_);
  size_t scan = 0;        // where the next line starts in buf
  size_t line_start = 0;  // start of the current (possibly partial) line

  while (current_ < files_.size() && line_start < target_bytes && spans.size() < (1u << 20)) {
    if (!source_) {
      DOPPEL_RETURN_IF_ERROR(OpenFile(current_));
      shift = -static_cast<int64_t>(buf.size());
    }
    const InputFile& f = files_[current_];
    auto file_index = static_cast<uint32_t>(current_);

    if (f.kind == InputKind::kTextFile) {
      size_t off = buf.size();
      Status read_status;
      for (;;) {
        size_t old = buf.size();
        buf.resize(old + (1 << 16));
        auto got = source_->bytes->Read(buf.data() + old, 1 << 16);
        if (!got.ok()) {
          read_status = got.status();
          buf.resize(off);
          break;
        }
        buf.resize(old + *got);
        if (*got == 0) break;
      }
      if (!read_status.ok()) {
        // The records before the error still go out first, in order.
        if (spans.empty()) return read_status;
        pending_error_ = read_status;
        break;
      }
      spans.emplace_back(file_index, 1, off, buf.size() - off, 0);
      consumed_before_ += f.size;
      source_.reset();
      ++current_;
      line_start = scan = buf.size();
      continue;
    }

    // Read a chunk and cut the complete lines it finishes.
    size_t old = buf.size();
    buf.resize(old + kReadChunk);
    auto got = source_->bytes->Read(buf.data() + old, kReadChunk);
    if (!got.ok()) {
      // The complete lines before the error still go out first, in order.
      buf.resize(old);
      if (spans.empty()) return got.status();
      pending_error_ = got.status();
      break;
    }
    buf.resize(old + *got);
    if (source_->spool_fd >= 0 && *got > 0) {
      DOPPEL_RETURN_IF_ERROR(WriteAll(source_->spool_fd, buf.data() + old, *got, f.display + " (scratch copy)"));
    }
    bool at_end = *got == 0;
    while (true) {
      const char* nl = static_cast<const char*>(std::memchr(buf.data() + scan, '\n', buf.size() - scan));
      if (!nl) break;
      size_t end = static_cast<size_t>(nl - buf.data());
      ++line_;
      std::string_view line(buf.data() + line_start, end - line_start);
      if (!IsBlank(line)) {
        spans.emplace_back(file_index, line_, line_start, end - line_start,
                           static_cast<uint64_t>(static_cast<int64_t>(line_start) + shift));
      }
      scan = line_start = end + 1;
    }
    scan = buf.size();
    if (at_end) {
      if (line_start < buf.size()) {
        ++line_;
        std::string_view line(buf.data() + line_start, buf.size() - line_start);
        if (!IsBlank(line)) {
          spans.emplace_back(file_index, line_, line_start, buf.size() - line_start,
                             static_cast<uint64_t>(static_cast<int64_t>(line_start) + shift));
        }
        line_start = scan = buf.size();
      }
      if (source_->spool_fd >= 0) spooled_[current_] = 1;
      consumed_before_ += f.size;
      source_.reset();
      ++current_;
    }
  }

  pending_.assign(buf, line_start, std::string::npos);
  pending_offset_ = source_ ? static_cast<uint64_t>(static_cast<int64_t>(line_start) + shift) : 0;
  buf.resize(line_start);
  batch->input_bytes = consumed_before_ + (source_ && source_->bytes ? source_->bytes->consumed() : 0);
  buf.append(Batch::kPadding, '\0');
  batch->records.reserve(spans.size());
  for (const auto& [file, line, off, len, file_offset] : spans) {
    batch->records.push_back({file, line, std::string_view(buf.data() + off, len), file_offset});
  }
  next_index_ += spans.size();
  // A batch of blank lines only is empty but not the end.
  return !spans.empty() || current_ < files_.size();
}

Status InputSet::Rewind() {
  source_.reset();
  pending_error_ = Status::Ok();
  current_ = 0;
  pending_.clear();
  pending_offset_ = 0;
  line_ = 0;
  next_index_ = 0;
  consumed_before_ = 0;
  return Status::Ok();
}

bool InputSet::random_access(uint32_t file) const {
  return files_[file].kind == InputKind::kJsonl && !files_[file].stream;
}

Result<int> InputSet::Descriptor(uint32_t file) {
  std::lock_guard<std::mutex> lock(fds_mu_);
  if (fds_.size() < files_.size()) fds_.resize(files_.size(), -1);
  if (fds_[file] < 0) {
    fds_[file] = ::open(files_[file].path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fds_[file] < 0) {
      return IoError(fmt::format("{}: cannot open again: {}", files_[file].display, std::strerror(errno)));
    }
  }
  return fds_[file];
}

Status InputSet::ReadAt(uint32_t file, uint64_t offset, size_t length, char* out) {
  auto opened = Descriptor(file);
  if (!opened.ok()) return opened.status();
  const int err = PreadFull(*opened, out, length, offset);
  if (err == 0) return Status::Ok();
  return IoError(fmt::format("{}: cannot read again: {}; do not modify the input during a run", files_[file].display,
                             err > 0 ? std::strerror(err) : "the file got shorter"));
}

}  // namespace doppel

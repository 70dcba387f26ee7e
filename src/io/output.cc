#include "doppel/output.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "util/fd_io.h"

namespace doppel {
namespace {

// Temporary paths of uncommitted outputs, readable from a signal handler.
constexpr int kMaxPending = 32;
char g_pending[kMaxPending][4096];
std::atomic<bool> g_used[kMaxPending];

int Register(const std::string& path) {
  for (int i = 0; i < kMaxPending; ++i) {
    bool expected = false;
    if (g_used[i].compare_exchange_strong(expected, true)) {
      std::snprintf(g_pending[i], sizeof g_pending[i], "%s", path.c_str());
      return i;
    }
  }
  return -1;
}

void Unregister(int slot) {
  if (slot >= 0) g_used[slot].store(false);
}

extern "C" void RemovePendingAndExit(int sig) {
  for (int i = 0; i < kMaxPending; ++i) {
    if (g_used[i].load()) ::unlink(g_pending[i]);
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

Status WriteError(const std::string& path) {
  return IoError(fmt::format("{}: cannot write: {}; check free space and permissions", path, std::strerror(errno)));
}

// Writes to a temporary file beside the target; Commit() renames it.
class FileOutput : public OutputFile {
 public:
  FileOutput(std::string path, std::string tmp, int fd)
      : OutputFile(std::move(path)), tmp_(std::move(tmp)), fd_(fd), slot_(tmp_.empty() ? -1 : Register(tmp_)) {}
  ~FileOutput() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
    Unregister(slot_);
  }
  Status Write(std::string_view bytes) override {
    buffer_.append(bytes);
    if (buffer_.size() >= (1 << 20)) return Flush(false);
    return Status::Ok();
  }
  Status Finish() override {
    DOPPEL_RETURN_IF_ERROR(Flush(true));
    // A device or pipe cannot be synced; a regular file must be on disk
    // before it takes its name.
    if (!tmp_.empty() && ::fsync(fd_) != 0) return WriteError(path_);
    if (::close(fd_) != 0) {
      fd_ = -1;
      return WriteError(path_);
    }
    fd_ = -1;
    return Status::Ok();
  }
  Status Publish() override {
    if (!tmp_.empty() && ::rename(tmp_.c_str(), path_.c_str()) != 0) return WriteError(path_);
    committed_ = true;
    return Status::Ok();
  }
  Status CopyFrom(int fd, uint64_t offset, uint64_t length) override {
    if (!raw() || length < (64 << 10)) return OutputFile::CopyFrom(fd, offset, length);
    DOPPEL_RETURN_IF_ERROR(Flush(false));
    auto off = static_cast<off_t>(offset);
    while (length > 0) {
      const size_t want = static_cast<size_t>(std::min<uint64_t>(length, 1 << 30));
      ssize_t n = -1;
      if (use_copy_range_) {
        n = ::copy_file_range(fd, &off, fd_, nullptr, want, 0);
        if (n < 0 && errno != EINTR) {
          use_copy_range_ = false;  // not between these two files: try sendfile
          continue;
        }
      } else if (use_sendfile_) {
        n = ::sendfile(fd_, fd, &off, want);
        if (n < 0 && errno != EINTR) {
          use_sendfile_ = false;  // read and write, below
          continue;
        }
      } else {
        return OutputFile::CopyFrom(fd, static_cast<uint64_t>(off), length);
      }
      if (n < 0) continue;  // EINTR
      if (n == 0) return IoError(fmt::format("{}: the input got shorter during the run", path_));
      length -= static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }

 protected:
  // Whether bytes go to the file as they are (no compression).
  virtual bool raw() const { return true; }
  // Encodes buffer_ (all of it when `last`) and writes the result.
  virtual Status Encode(bool last) {
    (void)last;
    Status s = WriteRaw(buffer_.data(), buffer_.size());
    buffer_.clear();
    return s;
  }
  Status WriteRaw(const char* p, size_t n) {
    while (n > 0) {
      ssize_t w = ::write(fd_, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return WriteError(path_);
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
    return Status::Ok();
  }
  Status Flush(bool last) { return Encode(last); }

  std::string buffer_;

 private:
  std::string tmp_;
  int fd_;
  int slot_;
  bool committed_ = false;
  bool use_copy_range_ = true;
  bool use_sendfile_ = true;
};

// Writes straight to a target that is not a regular file (/dev/null, a pipe):
// there is nothing to rename, and renaming over a device would replace it.
class DirectOutput : public FileOutput {
 public:
  DirectOutput(std::string path, int fd) : FileOutput(std::move(path), "", fd) {}
};

class GzipOutput : public FileOutput {
 public:
  GzipOutput(std::string path, std::string tmp, int fd) : FileOutput(std::move(path), std::move(tmp), fd) {
    std::memset(&z_, 0, sizeof z_);
    deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  }
  ~GzipOutput() override { deflateEnd(&z_); }

 protected:
  bool raw() const override { return false; }
  Status Encode(bool last) override {
    // zlib counts input in 32 bits: feed a large buffer in pieces.
    constexpr size_t kPiece = size_t{1} << 30;
    size_t done = 0;
    do {
      const size_t piece = std::min(kPiece, buffer_.size() - done);
      const bool final_piece = last && done + piece == buffer_.size();
      z_.next_in = reinterpret_cast<Bytef*>(buffer_.data() + done);
      z_.avail_in = static_cast<uInt>(piece);
      int ret;
      do {
        unsigned char out[1 << 16];
        z_.next_out = out;
        z_.avail_out = sizeof out;
        ret = deflate(&z_, final_piece ? Z_FINISH : Z_NO_FLUSH);
        DOPPEL_RETURN_IF_ERROR(WriteRaw(reinterpret_cast<char*>(out), sizeof out - z_.avail_out));
      } while (z_.avail_out == 0 || (final_piece && ret != Z_STREAM_END));
      done += piece;
    } while (done < buffer_.size());
    buffer_.clear();
    return Status::Ok();
  }

 private:
  z_stream z_;
};

class ZstdOutput : public FileOutput {
 public:
  ZstdOutput(std::string path, std::string tmp, int fd)
      : FileOutput(std::move(path), std::move(tmp), fd), cctx_(ZSTD_createCCtx()) {}
  ~ZstdOutput() override { ZSTD_freeCCtx(cctx_); }

 protected:
  bool raw() const override { return false; }
  Status Encode(bool last) override {
    ZSTD_inBuffer in{buffer_.data(), buffer_.size(), 0};
    std::vector<char> out(ZSTD_CStreamOutSize());
    size_t remaining;
    do {
      ZSTD_outBuffer ob{out.data(), out.size(), 0};
      remaining = ZSTD_compressStream2(cctx_, &ob, &in, last ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(remaining)) {
        return IoError(fmt::format("{}: zstd: {}", path_, ZSTD_getErrorName(remaining)));
      }
      DOPPEL_RETURN_IF_ERROR(WriteRaw(out.data(), ob.pos));
    } while (last ? remaining != 0 : in.pos < in.size);
    buffer_.clear();
    return Status::Ok();
  }

 private:
  ZSTD_CCtx* cctx_;
};

class StdoutOutput : public OutputFile {
 public:
  StdoutOutput() : OutputFile("-") {}
  Status Write(std::string_view bytes) override {
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size()) return WriteError("<stdout>");
    return Status::Ok();
  }
  Status Finish() override {
    if (std::fflush(stdout) != 0) return WriteError("<stdout>");
    return Status::Ok();
  }
  Status Publish() override { return Status::Ok(); }
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

OutputFile::~OutputFile() = default;

Status OutputFile::CopyFrom(int fd, uint64_t offset, uint64_t length) {
  std::string buf;
  while (length > 0) {
    buf.resize(static_cast<size_t>(std::min<uint64_t>(length, 1 << 20)));
    const int err = PreadFull(fd, buf.data(), buf.size(), offset);
    if (err != 0) {
      return IoError(fmt::format("{}: cannot read the input again: {}", path_,
                                 err > 0 ? std::strerror(err) : "it got shorter during the run"));
    }
    DOPPEL_RETURN_IF_ERROR(Write(buf));
    offset += buf.size();
    length -= buf.size();
  }
  return Status::Ok();
}

Status OutputFile::Commit() {
  DOPPEL_RETURN_IF_ERROR(Finish());
  return Publish();
}

Status CommitAll(std::initializer_list<OutputFile*> files) {
  for (OutputFile* f : files) {
    if (f) DOPPEL_RETURN_IF_ERROR(f->Finish());
  }
  for (OutputFile* f : files) {
    if (f) DOPPEL_RETURN_IF_ERROR(f->Publish());
  }
  return Status::Ok();
}

Result<std::unique_ptr<OutputFile>> OutputFile::Create(const std::string& path) {
  if (path == "-") return std::unique_ptr<OutputFile>(new StdoutOutput());
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) return IoError(fmt::format("{}: is a folder; name a file to write", path));
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return WriteError(path);
    return std::unique_ptr<OutputFile>(new DirectOutput(path, fd));
  }
  std::filesystem::path target(path);
  std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
  std::string tmp = fmt::format("{}/.{}.doppel-tmp-XXXXXX", dir, target.filename().string());
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    return IoError(fmt::format("{}: cannot create output: {}; check that the folder exists and is writable",
                               path, std::strerror(errno)));
  }
  ::fchmod(fd, 0644);
  if (EndsWith(path, ".gz")) return std::unique_ptr<OutputFile>(new GzipOutput(path, tmp, fd));
  if (EndsWith(path, ".zst")) return std::unique_ptr<OutputFile>(new ZstdOutput(path, tmp, fd));
  return std::unique_ptr<OutputFile>(new FileOutput(path, tmp, fd));
}

void InstallOutputCleanupHandlers() {
  std::signal(SIGINT, RemovePendingAndExit);
  std::signal(SIGTERM, RemovePendingAndExit);
  std::signal(SIGHUP, RemovePendingAndExit);
  std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace doppel

#include "io/source.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace doppel::io {
namespace {

Status ReadError(const std::string& display, const char* what) {
  return IoError(fmt::format("{}: cannot read: {}; check that the file is complete and readable",
                             display, what));
}

class FdSource : public ByteSource {
 public:
  FdSource(int fd, std::string display, bool owned) : fd_(fd), display_(std::move(display)), owned_(owned) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }
  Result<size_t> Read(char* buf, size_t n) override {
    for (;;) {
      ssize_t got = ::read(fd_, buf, n);
      if (got >= 0) {
        consumed_ += static_cast<uint64_t>(got);
        return static_cast<size_t>(got);
      }
      if (errno != EINTR) return ReadError(display_, std::strerror(errno));
    }
  }
  uint64_t consumed() const override { return consumed_; }

 private:
  int fd_;
  std::string display_;
  bool owned_;
  uint64_t consumed_ = 0;
};

class GzipSource : public ByteSource {
 public:
  GzipSource(gzFile f, std::string display) : f_(f), display_(std::move(display)) {}
  ~GzipSource() override { gzclose(f_); }
  Result<size_t> Read(char* buf, size_t n) override {
    if (n > (1u << 30)) n = 1u << 30;
    int got = gzread(f_, buf, static_cast<unsigned>(n));
    int err = Z_OK;
    const char* msg = gzerror(f_, &err);
    if (got < 0 || (err != Z_OK && err != Z_STREAM_END)) {
      std::string what = msg ? msg : "corrupt data";
      if (what.rfind("<fd:", 0) == 0 && what.find(": ") != std::string::npos) what = what.substr(what.find(": ") + 2);
      return ReadError(display_, fmt::format("gzip: {}", what).c_str());
    }
    return static_cast<size_t>(got);
  }
  uint64_t consumed() const override { return static_cast<uint64_t>(gzoffset(f_)); }

 private:
  gzFile f_;
  std::string display_;
};

class ZstdSource : public ByteSource {
 public:
  ZstdSource(int fd, std::string display)
      : fd_(fd), display_(std::move(display)), dctx_(ZSTD_createDCtx()), in_(ZSTD_DStreamInSize()) {}
  ~ZstdSource() override {
    ZSTD_freeDCtx(dctx_);
    ::close(fd_);
  }
  Result<size_t> Read(char* buf, size_t n) override {
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos == 0) {
      if (pos_ == len_) {
        if (eof_) {
          if (frame_open_) return ReadError(display_, "zstd: truncated stream");
          return size_t{0};
        }
        ssize_t got;
        do {
          got = ::read(fd_, in_.data(), in_.size());
        } while (got < 0 && errno == EINTR);
        if (got < 0) return ReadError(display_, std::strerror(errno));
        consumed_ += static_cast<uint64_t>(got);
        pos_ = 0;
        len_ = static_cast<size_t>(got);
        if (got == 0) {
          eof_ = true;
          continue;
        }
      }
      ZSTD_inBuffer in{in_.data(), len_, pos_};
      size_t ret = ZSTD_decompressStream(dctx_, &out, &in);
      pos_ = in.pos;
      if (ZSTD_isError(ret)) return ReadError(display_, fmt::format("zstd: {}", ZSTD_getErrorName(ret)).c_str());
      frame_open_ = ret != 0;
    }
    return out.pos;
  }
  uint64_t consumed() const override { return consumed_; }

 private:
  int fd_;
  std::string display_;
  ZSTD_DCtx* dctx_;
  std::vector<char> in_;
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
  bool frame_open_ = false;
  uint64_t consumed_ = 0;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> OpenSource(const std::string& path, InputKind kind,
                                               const std::string& display) {
  if (kind == InputKind::kStdin) {
    return std::unique_ptr<ByteSource>(new FdSource(0, display, false));
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return IoError(fmt::format("{}: cannot open: {}; check the path and its permissions", display,
                               std::strerror(errno)));
  }
  return OpenFdSource(fd, kind, display);
}

Result<std::unique_ptr<ByteSource>> OpenFdSource(int fd, InputKind kind, const std::string& display) {
  if (kind == InputKind::kGzip) {
    gzFile f = gzdopen(fd, "rb");
    if (!f) {
      ::close(fd);
      return IoError(fmt::format("{}: cannot open as gzip", display));
    }
    gzbuffer(f, 1 << 17);
    return std::unique_ptr<ByteSource>(new GzipSource(f, display));
  }
  if (kind == InputKind::kZstd) return std::unique_ptr<ByteSource>(new ZstdSource(fd, display));
  return std::unique_ptr<ByteSource>(new FdSource(fd, display, true));
}

}  // namespace doppel::io

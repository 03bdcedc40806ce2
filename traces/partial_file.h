// Writing a file so that it appears only complete: through "<path>.partial", renamed into place
// once everything is written; a failure or an abandoned file leaves nothing behind. Used for
// every output of a run (report, traces).
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kvnand {

/// A file that appears only complete: written as "<path>.partial" and renamed by commit(); the
/// partial goes when the object does without a commit.
class PartialFile {
 public:
  /// Throws std::runtime_error naming `path` when the partial cannot be created.
  explicit PartialFile(const std::string& path)
      : path_(path), buffer_(kBufferBytes), file_(std::fopen(partial().c_str(), "wb")) {
    if (file_ == nullptr) throw std::runtime_error(cannot_write(errno));
    // Writes leave in whole buffers of ours; stdio would only copy them once more.
    std::setvbuf(file_, nullptr, _IONBF, 0);
  }
  ~PartialFile() {
    if (file_ == nullptr) return;
    std::fclose(file_);
    std::remove(partial().c_str());
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  /// Where to format up to `bytes` characters; done() takes the end of what was formatted.
  char* room(std::size_t bytes) {
    if (buffer_.size() - used_ < bytes) {
      drain();
      if (buffer_.size() < bytes) buffer_.resize(bytes);
    }
    return buffer_.data() + used_;
  }
  void done(const char* end) { used_ = static_cast<std::size_t>(end - buffer_.data()); }
  void text(std::string_view text) {
    char* at = room(text.size());
    std::memcpy(at, text.data(), text.size());
    done(at + text.size());
  }

  /// Writes the rest, closes the file and renames the partial into place: "" on success, else
  /// why not (the partial is gone then). Call once.
  std::string commit() {
    errno = 0;
    drain();
    const bool written = std::ferror(file_) == 0;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (written && closed && std::rename(partial().c_str(), path_.c_str()) == 0) return "";
    const int error = errno;
    std::remove(partial().c_str());
    return cannot_write(error);
  }

 private:
  static constexpr std::size_t kBufferBytes = std::size_t{1} << 20;

  std::string partial() const { return path_ + ".partial"; }
  std::string cannot_write(int error) const {
    return path_ + ": cannot write (" + (error != 0 ? std::strerror(error) : "write error") + ")";
  }
  /// stdio keeps the error of a failed write for commit().
  void drain() {
    if (used_ != 0) std::fwrite(buffer_.data(), 1, used_, file_);
    used_ = 0;
  }

  std::string path_;
  std::vector<char> buffer_;
  std::size_t used_ = 0;
  std::FILE* file_;
};

/// `text` as the whole of `path`; throws std::runtime_error "<path>: cannot write (<reason>)".
inline void write_file_atomically(const std::string& path, std::string_view text) {
  PartialFile file(path);
  file.text(text);
  const std::string error = file.commit();
  if (!error.empty()) throw std::runtime_error(error);
}

}  // namespace kvnand

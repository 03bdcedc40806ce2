// Writing outputs so that a failed or interrupted run never leaves a half-written file.
#pragma once

#include <string>

namespace kvnand {

/// Creates `dir` and its parents; throws std::runtime_error naming the folder on failure.
void make_directories(const std::string& dir);

/// Writes `text` to `path` through a temporary file in the same folder and renames it into
/// place; throws std::runtime_error naming the file on failure (nothing is left behind).
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace kvnand

// The output folder of a run (its files are written with traces/partial_file.h, so that a
// failed or interrupted run never leaves a half-written one).
#pragma once

#include <string>

namespace kvnand {

/// Creates `dir` and its parents; throws std::runtime_error naming the folder on failure.
void make_directories(const std::string& dir);

}  // namespace kvnand

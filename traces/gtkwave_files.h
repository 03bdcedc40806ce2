// The GTKWave companions of a VCD: a save file (.gtkw) that opens it with the signals grouped and
// enumerated states shown by name, and the translate filter files those names come from.
// File names: see wave_signals.h. The save file refers to the VCD and the filters by paths
// relative to its own directory, which GTKWave resolves wherever the folder is moved.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wave_signals.h"

namespace kvnand {

/// "<dir>/<stem>.gtkw" next to "<dir>/<stem>.vcd".
std::string save_file_path(const std::string& vcd_path);
/// "<dir>/<stem>.filters/<enumeration>.txt".
std::string filter_file_path(const std::string& vcd_path, WaveEnum which);

/// A translate filter: one "<decimal value> <name>" line per value.
std::string filter_text(WaveEnum which);
/// The save file for `view` of the VCD, showing [start_ps, end_ps].
std::string save_file_text(const std::string& vcd_path, const WaveView& view, std::uint64_t start_ps,
                           std::uint64_t end_ps);

/// Writes the save file and the filters the view uses. Returns what it created, in an order
/// remove_files() can undo (files, then the filter folder if it made it). On failure removes
/// what it created and throws std::runtime_error naming the file.
std::vector<std::string> write_gtkwave_files(const std::string& vcd_path, const WaveView& view,
                                             std::uint64_t start_ps, std::uint64_t end_ps);
/// Removes the given files (and empty folders), ignoring any that are gone.
void remove_files(const std::vector<std::string>& paths);

}  // namespace kvnand

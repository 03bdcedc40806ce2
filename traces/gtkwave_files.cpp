#include "gtkwave_files.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "partial_file.h"

namespace kvnand {
namespace {

namespace fs = std::filesystem;

// Trace flags of GTKWave's save files (its analyzer.h), written in hex after '@'.
constexpr std::uint64_t kFlagHex = 0x2;
constexpr std::uint64_t kFlagDecimal = 0x4;
constexpr std::uint64_t kFlagBinary = 0x8;
constexpr std::uint64_t kFlagRightJustify = 0x20;
constexpr std::uint64_t kFlagBlank = 0x200;  // a comment or group row, no signal
constexpr std::uint64_t kFlagCollapsed = 0x1000;
constexpr std::uint64_t kFlagFileFilter = 0x2000;  // values shown through a translate filter file
constexpr std::uint64_t kFlagClosed = 0x400000;
constexpr std::uint64_t kFlagGroupBegin = 0x800000;
constexpr std::uint64_t kFlagGroupEnd = 0x1000000;

constexpr std::uint64_t kWireFlags = kFlagRightJustify | kFlagBinary;
constexpr std::uint64_t kNumberFlags = kFlagRightJustify | kFlagDecimal;
constexpr std::uint64_t kHexFlags = kFlagRightJustify | kFlagHex;
constexpr std::uint64_t kNamedFlags = kNumberFlags | kFlagFileFilter;

// Window layout: wide enough for the longest signal names, the rest for waves.
constexpr int kWindowWidthPx = 1400;
constexpr int kWindowHeightPx = 800;
constexpr int kHierarchyWidthPx = 220;
constexpr int kSignalsWidthPx = 260;
// GTKWave's scroll bar and borders take about this much of the wave pane.
constexpr int kWavePaneMarginPx = 80;
// GTKWave's zoom z shows zoom_base^-z time units per frame of frame_px pixels.
constexpr double kZoomBase = 2.0;
constexpr double kFramePx = 200.0;

constexpr const char* kSaveExtension = ".gtkw";
constexpr const char* kFilterFolderSuffix = ".filters";
constexpr const char* kFilterExtension = ".txt";

fs::path stem_of(const std::string& vcd_path) { return fs::path(vcd_path).stem(); }

std::string relative_filter_path(const std::string& vcd_path, WaveEnum which) {
  return (fs::path(stem_of(vcd_path).string() + kFilterFolderSuffix) /
          (std::string(value_names(which).name) + kFilterExtension))
      .string();
}

std::string hex(std::uint64_t flags) {
  char text[2 * sizeof flags + 1];
  std::snprintf(text, sizeof text, "%llx", static_cast<unsigned long long>(flags));
  return text;
}

/// GTKWave names a VCD vector "name[msb:0]".
std::string trace_name(const WaveView::Row& row) {
  return row.width == 1 ? row.text : row.text + "[" + std::to_string(row.width - 1) + ":0]";
}

/// Zoom that fits `span` time units into the wave pane.
double zoom_to_fit(std::uint64_t span) {
  const double wave_px = kWindowWidthPx - kHierarchyWidthPx - kSignalsWidthPx - kWavePaneMarginPx;
  return -std::log(static_cast<double>(span) * kFramePx / wave_px) / std::log(kZoomBase);
}

}  // namespace

std::string save_file_path(const std::string& vcd_path) {
  const fs::path vcd(vcd_path);
  fs::path save = vcd.parent_path() / (stem_of(vcd_path).string() + kSaveExtension);
  // A VCD named "*.gtkw" must not be overwritten by its own save file.
  if (save == vcd) save = vcd_path + kSaveExtension;
  return save.string();
}

std::string filter_file_path(const std::string& vcd_path, WaveEnum which) {
  return (fs::path(vcd_path).parent_path() / relative_filter_path(vcd_path, which)).string();
}

std::string filter_text(WaveEnum which) {
  const ValueNames& names = value_names(which);
  std::string text = std::string("# kvnand ") + names.name + ": value name (GTKWave translate filter)\n";
  for (std::size_t v = 0; v < names.values.size(); ++v) text += std::to_string(v) + " " + names.values[v] + "\n";
  return text;
}

std::string save_file_text(const std::string& vcd_path, const WaveView& view, std::uint64_t start_ps,
                           std::uint64_t end_ps) {
  const std::string vcd_name = fs::path(vcd_path).filename().string();
  const std::string save_name = fs::path(save_file_path(vcd_path)).filename().string();
  std::string text = "[*] kvnand waveform " + vcd_name + ": gtkwave " + save_name + "\n";
  text += "[dumpfile] \"" + vcd_name + "\"\n";
  // GTKWave resolves the relative dump file and filters against the save file named here.
  text += "[savefile] \"" + save_name + "\"\n";
  text += "[timestart] " + std::to_string(start_ps) + "\n";
  text += "[size] " + std::to_string(kWindowWidthPx) + " " + std::to_string(kWindowHeightPx) + "\n";
  text += "[pos] -1 -1\n";
  if (end_ps > start_ps) {
    char zoom[64];
    std::snprintf(zoom, sizeof zoom, "*%.6f -1\n", zoom_to_fit(end_ps - start_ps));
    text += zoom;
  }
  text += "[sst_width] " + std::to_string(kHierarchyWidthPx) + "\n";
  text += "[signals_width] " + std::to_string(kSignalsWidthPx) + "\n";
  text += "[sst_expanded] 1\n";

  std::array<int, kWaveEnumCount> filter_index{};  // 0: not loaded yet
  int filters = 0;
  for (const WaveView::Row& row : view.rows) {
    switch (row.kind) {
      case WaveView::Row::Kind::GroupBegin:
        text += "@" + hex(kFlagBlank | kFlagGroupBegin | (row.closed ? kFlagClosed : 0)) + "\n-" + row.text + "\n";
        break;
      case WaveView::Row::Kind::GroupEnd:
        text += "@" + hex(kFlagBlank | kFlagGroupEnd | (row.closed ? kFlagClosed | kFlagCollapsed : 0)) + "\n-" +
                row.text + "\n";
        break;
      case WaveView::Row::Kind::Signal:
        if (row.width == 1) {
          text += "@" + hex(kWireFlags) + "\n";
        } else if (row.hex) {
          text += "@" + hex(kHexFlags) + "\n";
        } else if (!row.names) {
          text += "@" + hex(kNumberFlags) + "\n";
        } else {
          int& index = filter_index[static_cast<std::size_t>(*row.names)];
          if (index == 0) index = ++filters;
          text += "@" + hex(kNamedFlags) + "\n^" + std::to_string(index) + " " +
                  relative_filter_path(vcd_path, *row.names) + "\n";
        }
        text += trace_name(row) + "\n";
        break;
    }
  }
  return text;
}

std::vector<std::string> write_gtkwave_files(const std::string& vcd_path, const WaveView& view,
                                             std::uint64_t start_ps, std::uint64_t end_ps) {
  std::vector<std::string> created;
  std::string made_folder;
  std::array<bool, kWaveEnumCount> used{};
  for (const WaveView::Row& row : view.rows)
    if (row.kind == WaveView::Row::Kind::Signal && row.names && row.width > 1)
      used[static_cast<std::size_t>(*row.names)] = true;
  try {
    for (std::size_t e = 0; e < kWaveEnumCount; ++e) {
      if (!used[e]) continue;
      const auto which = static_cast<WaveEnum>(e);
      const std::string path = filter_file_path(vcd_path, which);
      const fs::path folder = fs::path(path).parent_path();
      std::error_code ec;
      if (made_folder.empty() && fs::create_directory(folder, ec)) made_folder = folder.string();
      if (ec) throw std::runtime_error("cannot create " + folder.string() + ": " + ec.message());
      write_file_atomically(path, filter_text(which));
      created.push_back(path);
    }
    const std::string save = save_file_path(vcd_path);
    write_file_atomically(save, save_file_text(vcd_path, view, start_ps, end_ps));
    created.push_back(save);
  } catch (...) {
    if (!made_folder.empty()) created.push_back(made_folder);
    remove_files(created);
    throw;
  }
  if (!made_folder.empty()) created.push_back(made_folder);
  return created;
}

void remove_files(const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    std::error_code ignored;
    fs::remove(path, ignored);
  }
}

}  // namespace kvnand
